"""A city page (/lawyers/<country>/<city>/): its guides, the best-ranked firms of each practice
area offered there with a link to all of them, and the request form with the city filled in."""

import datetime
import re

import pytest
from django.utils import timezone

from guides.models import landing_url
from tests.factories import CityFactory, FirmFactory, GuideFactory, PracticeAreaFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex">'
# The city, its guides, and the firms of every area at once.
CITY_PAGE_QUERY_BUDGET = 3


@pytest.fixture
def corporate(cyber_law):
    return PracticeAreaFactory(
        name="Corporate Law", slug="corporate-law", parent__name="Business", parent__slug="business", position=0
    )


def area_headings(content):
    return re.findall(r'<h3 class="area-firms__title">([^<]+)</h3>', content)


def firm_links(content):
    return re.findall(r'<p class="firm-mini__name"><a href="[^"]+">([^<]+)</a>', content)


def test_it_shows_the_best_three_firms_of_each_area_offered_in_the_city_with_a_link_to_all(
    client, harbin, cyber_law, corporate, shanghai
):
    for number, ratings in enumerate([[5] * 9, [5] * 6, [4] * 5, [3] * 3, [2]]):
        FirmFactory(name=f"Corporate {number + 1}", cities=[harbin], practice_areas=[corporate], ratings=ratings)
    FirmFactory(name="Data Firm", cities=[harbin], practice_areas=[cyber_law], ratings=[4])
    FirmFactory(name="Unlisted", is_listed=False, cities=[harbin], practice_areas=[cyber_law])
    FirmFactory(name="In Shanghai", cities=[shanghai], practice_areas=[cyber_law, corporate], ratings=[5] * 9)

    response = client.get(harbin.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert area_headings(content) == ["Corporate Law", cyber_law.name]
    assert firm_links(content) == ["Corporate 1", "Corporate 2", "Corporate 3", "Data Firm"]
    corporate_page = landing_url(city=harbin, practice_area=corporate)
    assert f'<a href="{corporate_page}">See all 5 Corporate Law firms in Harbin</a>' in content
    cyber_page = landing_url(city=harbin, practice_area=cyber_law)
    assert f'<a href="{cyber_page}">See the {cyber_law.name} firm in Harbin</a>' in content
    assert NOINDEX not in content


def test_each_firm_shows_its_rating_and_verified_badge_and_links_to_its_profile(client, harbin, cyber_law):
    verified = FirmFactory(
        name="Checked Firm", cities=[harbin], practice_areas=[cyber_law], ratings=[5, 4], verified=timezone.localdate()
    )
    FirmFactory(name="New Firm", cities=[harbin], practice_areas=[cyber_law])

    content = client.get(harbin.get_absolute_url()).content.decode()

    assert f'<a href="{verified.get_absolute_url()}">Checked Firm</a> <span class="badge badge--verified">' in content
    assert "Rated 4.5 out of 5" in content
    assert "(2 reviews)" in content
    assert "No reviews yet" in content
    assert content.count("badge--verified") == 1


def test_it_offers_the_request_form_with_the_city_filled_in(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    content = client.get(harbin.get_absolute_url()).content.decode()

    assert f'<a class="button button--primary" href="/requests/new/?city={harbin.pk}">Find a lawyer in Harbin</a>' in (
        content
    )


def test_a_city_with_guides_but_no_firm_lists_the_guides_and_says_it_has_no_firm(client, harbin, cyber_law):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)

    content = client.get(harbin.get_absolute_url()).content.decode()

    assert guide.get_absolute_url() in content
    assert "We haven't listed any law firm in Harbin yet." in content
    assert "we look for suitable firms nearby, in Heilongjiang or elsewhere in China" in content
    assert f'href="/requests/new/?city={harbin.pk}"' in content
    assert NOINDEX not in content


def test_the_page_is_valid_and_accessible_html(client, harbin, cyber_law, corporate, assert_valid_html):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    FirmFactory(cities=[harbin], practice_areas=[cyber_law, corporate], ratings=[5])

    tree = assert_valid_html(client.get(harbin.get_absolute_url()).content)

    levels = [int(element.tag[1]) for element in tree.iter() if element.tag in {"h1", "h2", "h3", "h4"}]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))


def test_it_runs_the_same_few_queries_however_many_areas_and_firms(
    client, harbin, cyber_law, django_assert_max_num_queries
):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    few = queries_for(client, harbin.get_absolute_url())
    busy = CityFactory(region=harbin.region)
    areas = [PracticeAreaFactory(parent=cyber_law.parent) for _number in range(6)]
    for number in range(12):
        FirmFactory(cities=[busy, harbin if number % 2 else CityFactory()], practice_areas=areas, ratings=[4, 5])
    for area in areas[:3]:
        GuideFactory(published=True, city=busy, practice_area=area)

    url = busy.get_absolute_url()

    with django_assert_max_num_queries(CITY_PAGE_QUERY_BUDGET):
        many = queries_for(client, url)

    assert many == few


def test_the_sitemap_lists_a_city_with_firms_and_leaves_out_a_city_with_nothing(client, harbin, cyber_law, settings):
    settings.SITE_URL = "https://lawzana.example"
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    empty = CityFactory(region=harbin.region)

    entries = client.get("/sitemap-cities-en.xml").content.decode()

    assert f"<loc>https://lawzana.example{harbin.get_absolute_url()}</loc>" in entries
    assert f"<lastmod>{timezone.localdate(firm.updated_at).isoformat()}</lastmod>" in entries
    assert f"<loc>https://lawzana.example{empty.get_absolute_url()}</loc>" not in entries


def test_the_sitemap_dates_a_city_by_its_latest_guide_or_firm(client, harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    type(firm).objects.filter(pk=firm.pk).update(updated_at=timezone.now() - datetime.timedelta(days=30))
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)

    content = client.get("/sitemap-cities-en.xml").content.decode()

    city_entry = content[content.index(harbin.get_absolute_url()) :].split("</url>")[0]
    assert f"<lastmod>{timezone.localdate(guide.updated_at).isoformat()}</lastmod>" in city_entry
