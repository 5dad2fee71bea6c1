"""directory/selectors.py: which firms each page starts from."""

import datetime

import pytest
from django.utils import timezone

from directory.models import Firm
from directory.selectors import (
    firm_profile,
    firm_search,
    firms_for_compare,
    firms_nearby,
    firms_serving,
    lawyer_search,
)
from tests.factories import (
    ArticleFactory,
    CityFactory,
    CountryFactory,
    FirmFactory,
    LawyerFactory,
    OfficeFactory,
    PracticeAreaFactory,
    RegionFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def test_firms_serving_an_area_in_a_city_are_the_listed_ones_with_an_office_there(
    harbin, shanghai, cyber_law, employment_law
):
    serving = FirmFactory(name="Serving", cities=[harbin], practice_areas=[cyber_law])
    FirmFactory(name="Unlisted", is_listed=False, cities=[harbin], practice_areas=[cyber_law])
    FirmFactory(name="Elsewhere", cities=[shanghai], practice_areas=[cyber_law])
    FirmFactory(name="Other area", cities=[harbin], practice_areas=[employment_law])
    FirmFactory(name="No office", practice_areas=[cyber_law])

    assert list(firms_serving(practice_area=cyber_law, city=harbin)) == [serving]


def test_a_group_is_served_by_firms_of_any_of_its_areas(harbin, cyber_law, employment_law):
    sibling = PracticeAreaFactory(parent=cyber_law.parent, name="Telecoms", slug="telecoms")
    first = FirmFactory(name="A", cities=[harbin], practice_areas=[cyber_law])
    second = FirmFactory(name="B", cities=[harbin], practice_areas=[sibling])
    FirmFactory(name="C", cities=[harbin], practice_areas=[employment_law])

    assert set(firms_serving(practice_area=cyber_law.parent, city=harbin)) == {first, second}


def test_a_firm_with_several_offices_and_areas_is_listed_once(harbin, cyber_law):
    sibling = PracticeAreaFactory(parent=cyber_law.parent)
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law, sibling])
    OfficeFactory(firm=firm, city=harbin)

    assert list(firms_serving(practice_area=cyber_law.parent, city=harbin)) == [firm]


def test_firms_serving_any_of_several_cities(harbin, shanghai, cyber_law):
    both = FirmFactory(cities=[harbin, shanghai], practice_areas=[cyber_law])
    one = FirmFactory(cities=[shanghai], practice_areas=[cyber_law])

    assert set(firms_serving(practice_area=cyber_law, cities=[harbin, shanghai])) == {both, one}


def test_firms_serving_come_best_ranked_first(harbin, cyber_law):
    low = FirmFactory(name="Low", cities=[harbin], practice_areas=[cyber_law], ratings=[2, 2])
    high = FirmFactory(name="High", cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5])

    assert list(firms_serving(practice_area=cyber_law, city=harbin)) == [high, low]


def test_a_profile_is_only_found_for_a_listed_firm():
    FirmFactory(slug="hidden", is_listed=False)

    with pytest.raises(Firm.DoesNotExist):
        firm_profile(slug="hidden")


def test_a_profile_holds_published_articles_and_the_newest_published_reviews(settings):
    settings.FIRM_PROFILE_REVIEWS = 2
    firm = FirmFactory(slug="profiled")
    now = timezone.now()
    live = ArticleFactory(firm=firm, published_at=now - datetime.timedelta(days=1))
    ArticleFactory(firm=firm, published_at=now + datetime.timedelta(days=1))
    for days in (3, 2, 1):
        ReviewFactory(firm=firm, author_name=f"{days} days", created_at=now - datetime.timedelta(days=days))
    ReviewFactory(firm=firm, author_name="pending", status="pending", created_at=now)

    profile = firm_profile(slug="profiled")

    assert profile.published_articles == [live]
    assert [review.author_name for review in profile.published_reviews] == ["1 days", "2 days"]


def test_compare_keeps_the_requested_order_and_drops_unknown_or_unlisted_firms():
    first, second = FirmFactory(slug="first"), FirmFactory(slug="second")
    FirmFactory(slug="hidden", is_listed=False)

    firms = firms_for_compare(slugs=["second", "nope", "hidden", "first"])

    assert firms == [second, first]


def test_search_never_returns_unlisted_firms_or_their_lawyers():
    FirmFactory(name="Hidden Harbour Law", is_listed=False)
    hidden = FirmFactory(name="Quiet Counsel", is_listed=False)
    LawyerFactory(firm=hidden, name="Harbour Li")

    assert list(firm_search(query="harbour")) == []
    assert list(lawyer_search(query="harbour")) == []


def test_an_empty_or_wordless_query_finds_nothing():
    FirmFactory(name="Anything Law")

    for query in ["", "   ", "%", ".*[(", "--"]:
        assert list(firm_search(query=query)) == []
        assert list(lawyer_search(query=query)) == []


def test_firms_nearby_are_the_regions_then_the_countrys_never_the_citys_own(harbin, shanghai, cyber_law):
    daqing = CityFactory(region=harbin.region, name="Daqing")
    own = FirmFactory(name="Own", cities=[harbin], practice_areas=[cyber_law], ratings=[5] * 9)
    far = FirmFactory(name="Far", cities=[shanghai], practice_areas=[cyber_law], ratings=[5] * 9)
    near = FirmFactory(name="Near", cities=[daqing, shanghai], practice_areas=[cyber_law], ratings=[3])
    abroad = CityFactory(region=RegionFactory(country=CountryFactory(code="DE", slug="germany", name="Germany")))
    FirmFactory(name="Abroad", cities=[abroad], practice_areas=[cyber_law])

    nearby = firms_nearby(practice_area=cyber_law, city=harbin, limit=5)

    assert nearby == [near, far]
    assert [(firm.in_region, firm.nearby_cities) for firm in nearby] == [(True, ["Daqing"]), (False, ["Shanghai"])]
    assert own not in nearby
