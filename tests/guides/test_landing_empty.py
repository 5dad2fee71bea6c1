"""A city x practice-area page with no firm there: it still exists, says so honestly, shows the
best firms nearby (the region's other cities, then the country's) and offers the request form,
which reaches firms nearby too (intake/matching.py). Search engines skip it unless it has a
guide."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.models import landing_url
from tests.factories import (
    CityFactory,
    CountryFactory,
    FirmFactory,
    GuideFactory,
    OfficeFactory,
    PracticeAreaFactory,
    RegionFactory,
)
from tests.queries import queries_for
from tests.sitemaps import sitemap_text

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex">'
# City, area, guide, the (empty) first page of firms, the nearby firms and their offices, and the
# country's legal notice (directory/disclaimers.py).
EMPTY_LANDING_QUERY_BUDGET = 7


@pytest.fixture
def url(harbin, cyber_law):
    return landing_url(city=harbin, practice_area=cyber_law)


@pytest.fixture
def mudanjiang(harbin):
    return CityFactory(region=harbin.region, name="Mudanjiang", slug="mudanjiang")


@pytest.fixture
def qiqihar(harbin):
    return CityFactory(region=harbin.region, name="Qiqihar", slug="qiqihar")


def nearby_sections(content):
    """The headings of the nearby lists, in page order."""
    return [heading for heading in ("Firms in other cities of", "More firms elsewhere in") if heading in content]


def test_it_shows_the_regions_best_firms_first_then_the_countrys_labelled_as_other_cities(
    client, url, harbin, cyber_law, employment_law, mudanjiang, qiqihar, shanghai, assert_valid_html
):
    FirmFactory(name="Mudanjiang Middle", cities=[mudanjiang], practice_areas=[cyber_law], ratings=[4, 4])
    FirmFactory(name="Qiqihar Best", cities=[qiqihar, mudanjiang], practice_areas=[cyber_law], ratings=[5] * 8)
    FirmFactory(name="Shanghai Star", cities=[shanghai], practice_areas=[cyber_law], ratings=[5] * 20)
    FirmFactory(name="Wrong Area", cities=[mudanjiang], practice_areas=[employment_law], ratings=[5] * 9)
    FirmFactory(name="Unlisted", is_listed=False, cities=[mudanjiang], practice_areas=[cyber_law])
    abroad = CityFactory(region=RegionFactory(country=CountryFactory(name="Germany", slug="germany", code="DE")))
    FirmFactory(name="Abroad", cities=[abroad], practice_areas=[cyber_law], ratings=[5] * 9)

    content = client.get(url).content.decode()

    assert_valid_html(content)
    assert "We haven't listed any Cyber Law, Data Privacy and Data Protection lawyers in Harbin, China yet." in content
    assert "with an office in Harbin" not in content  # the introduction claims no firm here
    region = content.index("Firms in other cities of Heilongjiang")
    country = content.index("More firms elsewhere in China")
    names = ["Qiqihar Best", "Mudanjiang Middle", "Shanghai Star"]
    positions = [content.index(name) for name in names]
    assert region < positions[0] < positions[1] < country < positions[2]
    assert "Offices in Mudanjiang, Qiqihar" in content
    assert "Office in Shanghai" in content
    for absent in ("Wrong Area", "Unlisted", "Abroad"):
        assert absent not in content


def test_without_firms_in_the_region_it_shows_the_countrys(client, url, cyber_law, shanghai):
    FirmFactory(name="Shanghai Star", cities=[shanghai], practice_areas=[cyber_law])

    content = client.get(url).content.decode()

    assert "Firms in other cities of China" in content
    assert "Heilongjiang</h3>" not in content
    assert "Shanghai Star" in content


def test_it_shows_at_most_five_firms_nearby(client, url, cyber_law, mudanjiang):
    for number in range(7):
        FirmFactory(
            name=f"Nearby {number}", cities=[mudanjiang], practice_areas=[cyber_law], ratings=[5] * (9 - number)
        )

    content = client.get(url).content.decode()

    assert [f"Nearby {n}" in content for n in range(7)] == [True] * 5 + [False] * 2


def test_the_request_form_is_offered_prefilled_and_says_it_reaches_firms_nearby(
    client, url, harbin, cyber_law, mudanjiang
):
    FirmFactory(cities=[mudanjiang], practice_areas=[cyber_law])

    content = client.get(url).content.decode()

    form = f"/requests/new/?city={harbin.pk}&amp;practice_area={cyber_law.pk}"
    assert content.count(f'href="{form}"') == 2  # the call to action and the empty list
    assert "Send your request to firms nearby" in content
    assert "we pass your request to firms nearby" in content


def test_with_nobody_nearby_either_the_form_makes_no_promise_about_firms_nearby(client, url, harbin, cyber_law):
    content = client.get(url).content.decode()

    assert f'href="/requests/new/?city={harbin.pk}&amp;practice_area={cyber_law.pk}"' in content
    assert "nearby" not in content
    assert "Share your requirements with us instead" in content
    assert nearby_sections(content) == []


def test_a_filtered_list_that_comes_out_empty_offers_to_clear_the_filters_not_other_cities(
    client, url, harbin, cyber_law, mudanjiang
):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], languages=["zh"])
    FirmFactory(name="Mudanjiang Firm", cities=[mudanjiang], practice_areas=[cyber_law], languages=["de"])

    content = client.get(url, {"language": "de"}).content.decode()

    assert "No firm matches all of these filters." in content
    assert "Mudanjiang Firm" not in content


@pytest.mark.parametrize(
    ("has_guide", "has_firm", "indexed"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
    ids=["neither", "guide only", "firms only", "both"],
)
def test_only_a_page_with_a_guide_or_firms_is_offered_to_search_engines(
    client, url, harbin, cyber_law, has_guide, has_firm, indexed, settings
):
    settings.SITE_URL = "https://lawzana.example"
    if has_guide:
        GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    if has_firm:
        FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    FirmFactory(cities=[CityFactory(region=harbin.region)], practice_areas=[cyber_law])  # nearby only

    content = client.get(url).content.decode()
    sitemap = sitemap_text(client)

    assert (NOINDEX not in content) is indexed
    assert (f"<loc>https://lawzana.example{url}</loc>" in sitemap) is indexed


def test_a_practice_area_group_without_firms_has_its_page_too(client, harbin, cyber_law):
    response = client.get(landing_url(city=harbin, practice_area=cyber_law.parent))

    assert response.status_code == 200
    assert "Best Technology &amp; Data Lawyers in Harbin" in response.content.decode()
    assert NOINDEX in response.content.decode()


def test_an_empty_page_runs_the_same_few_queries_however_many_firms_are_nearby(
    client, harbin, cyber_law, mudanjiang, django_assert_max_num_queries
):
    FirmFactory(cities=[mudanjiang], practice_areas=[cyber_law])
    few = queries_for(client, landing_url(city=harbin, practice_area=cyber_law))
    other_area = PracticeAreaFactory(parent=cyber_law.parent)
    for _number in range(8):
        firm = FirmFactory(cities=[mudanjiang, CityFactory()], practice_areas=[other_area], languages=["en", "zh"])
        OfficeFactory(firm=firm, city=CityFactory(region=harbin.region))

    with django_assert_max_num_queries(EMPTY_LANDING_QUERY_BUDGET):
        many = queries_for(client, landing_url(city=harbin, practice_area=other_area))

    assert many == few


def test_a_second_anonymous_get_of_an_empty_page_is_served_from_the_page_cache(client, url, cyber_law, mudanjiang):
    FirmFactory(name="Mudanjiang Firm", cities=[mudanjiang], practice_areas=[cyber_law])
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert len(queries) == 0
    assert second.content == first.content
    assert "Mudanjiang Firm" in second.content.decode()
