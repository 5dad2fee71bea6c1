"""Query budgets for the public pages the benchmark (bench/run.py) measures, with few and with
many rows: a firm profile, search, and the compare page that shares the cards' selector. The
landing page's budget is in test_filters_and_listing.py, the pickers' pages in test_pickers.py,
the cached landing page (no query at all) in tests/guides/test_landing_cache.py."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
    FirmFactory,
    LawyerFactory,
    OfficeFactory,
    PracticeAreaFactory,
    ReviewFactory,
    ServiceFeeFactory,
    VerificationFactory,
    refresh,
)

pytestmark = pytest.mark.django_db

# The firm, its 11 related lists (languages, social links, fees, practice areas, offices,
# lawyers with their languages and areas, articles, reviews, verifications), and the month's
# profile view count: an UPDATE, and an INSERT for the month's first view, each in a
# savepoint here (the benchmark, in autocommit, counts 15 for a repeat view); and the legal
# notice of its country (directory/disclaimers.py).
PROFILE_QUERY_BUDGET = 19
# The total, the lawyers who match, the page of firms and its 2 prefetches (languages, offices);
# the firms per suggested practice area when the words name a city; and, for the first search
# after a content change in a process, the practice areas and the cities (directory/suggestions.py).
SEARCH_QUERY_BUDGET = 8


def _firms(count, harbin, cyber_law, *, prefix):
    firms = []
    for number in range(count):
        firm = FirmFactory(
            name=f"{prefix} Harbor Counsel {number}",
            slug=f"{prefix.lower()}-{number}",
            cities=[harbin],
            practice_areas=[cyber_law, PracticeAreaFactory(parent=cyber_law.parent)],
            languages=["en", "zh"],
            ratings=[5, 4],
        )
        OfficeFactory(firm=firm)
        LawyerFactory.create_batch(2, firm=firm, practice_areas=[cyber_law], languages=["en"])
        ArticleFactory(firm=firm)
        ServiceFeeFactory(firm=firm)
        VerificationFactory(firm=firm)
        firms.append(refresh(firm))
    return firms


def _count(client, url, data=None):
    """Queries of a rendered page: anonymous visitors' repeats are served from the page cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


def test_a_profile_stays_within_its_query_budget_however_big_the_firm(
    client, harbin, cyber_law, django_assert_max_num_queries
):
    small = _firms(1, harbin, cyber_law, prefix="Small")[0]
    big = _firms(1, harbin, cyber_law, prefix="Big")[0]
    LawyerFactory.create_batch(15, firm=big, practice_areas=[cyber_law], languages=["en", "de"])
    ReviewFactory.create_batch(25, firm=big, rating=4)
    refresh(big)

    with django_assert_max_num_queries(PROFILE_QUERY_BUDGET):
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(PROFILE_QUERY_BUDGET):
        client.get(big.get_absolute_url())
    assert _count(client, small.get_absolute_url()) == _count(client, big.get_absolute_url())


def test_search_stays_within_its_query_budget_for_few_or_many_matches(
    client, harbin, cyber_law, django_assert_max_num_queries
):
    _firms(2, harbin, cyber_law, prefix="Few")
    few = _count(client, "/search/", {"q": "few harbor"})
    _firms(14, harbin, cyber_law, prefix="Many")

    with django_assert_max_num_queries(SEARCH_QUERY_BUDGET):
        response = client.get("/search/", {"q": "many harbor"})

    assert "Many Harbor Counsel" in response.content.decode()
    assert _count(client, "/search/", {"q": "many harbor"}) == few


def test_compare_still_shows_each_firms_practice_areas(client, harbin, cyber_law):
    firms = _firms(2, harbin, cyber_law, prefix="Compare")

    content = client.get("/firms/compare/", {"firm": [firm.slug for firm in firms]}).content.decode()

    assert cyber_law.name in content
