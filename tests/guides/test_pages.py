"""The public pages around the guides: home, indexes, sitemap and errors."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guides.models import landing_url
from tests.factories import (
    CityFactory,
    CountryFactory,
    FirmFactory,
    GuideFactory,
    PracticeAreaFactory,
    PracticeAreaGroupFactory,
    RegionFactory,
)
from tests.sitemaps import section_paths, sitemap_urls

pytestmark = pytest.mark.django_db

SITE_URL = "https://lawzana.example"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def text_of(element):
    return "".join(element.itertext())


def assert_accessible_page(tree):
    """One <h1>, lang="en", and a <label for> for every visible form control."""
    assert tree.tag == "html" and tree.get("lang") == "en"
    assert len(list(tree.iter("h1"))) == 1
    labelled = {label.get("for") for label in tree.iter("label")}
    controls = [*tree.iter("select"), *tree.iter("textarea")]
    controls += [field for field in tree.iter("input") if field.get("type") not in {"hidden", "submit", "button"}]
    for control in controls:
        assert control.get("id") in labelled, f"{control.tag} {control.get('name')!r} has no <label for>"


@pytest.fixture
def mudanjiang(harbin):
    return CityFactory(region=harbin.region, name="Mudanjiang", slug="mudanjiang")


@pytest.fixture
def family_law():
    return PracticeAreaFactory(
        name="Family Law", slug="family-law", parent__name="Family & Personal", parent__slug="family-and-personal"
    )


# Home


def test_home_offers_labelled_city_and_practice_area_pickers(client, harbin, cyber_law, assert_valid_html):
    response = client.get(reverse("guides:home"))

    assert response.status_code == 200
    tree = assert_valid_html(response.content)
    assert_accessible_page(tree)
    selects = {select.get("name"): select for select in tree.iter("select")}
    assert set(selects) == {"city", "practice_area"}
    labels = {label.get("for"): text_of(label) for label in tree.iter("label")}
    assert labels[selects["city"].get("id")] == "City"
    assert labels[selects["practice_area"].get("id")] == "Practice area"
    cities_by_country = {group.get("label"): [text_of(o) for o in group.iter("option")] for group in selects["city"]}
    assert cities_by_country["China"] == ["Harbin"]
    assert cyber_law.name in [text_of(option) for option in selects["practice_area"].iter("option")]


def test_home_sends_a_visitor_to_the_guide_they_picked(client, harbin, cyber_law):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)

    response = client.get(reverse("guides:home"), {"city": harbin.pk, "practice_area": cyber_law.pk})

    assert response.status_code == 302
    assert response["Location"] == guide.get_absolute_url()


def test_home_sends_a_visitor_to_the_city_and_area_page_when_there_is_no_guide(client, harbin, cyber_law):
    # Bug: the finder said "We have no guide to ... yet" and hid the page listing the firms.
    GuideFactory(city=harbin, practice_area=cyber_law)  # a draft does not count
    FirmFactory(name="Songhua Data Law", cities=[harbin], practice_areas=[cyber_law])

    response = client.get(reverse("guides:home"), {"city": harbin.pk, "practice_area": cyber_law.pk}, follow=True)

    assert response.redirect_chain == [(landing_url(city=harbin, practice_area=cyber_law), 302)]
    content = response.content.decode()
    assert "Best Cyber Law, Data Privacy and Data Protection Lawyers in Harbin" in content
    assert "Songhua Data Law" in content
    assert "Find a lawyer in Harbin" in content


def test_home_sends_a_visitor_to_the_city_and_area_page_even_with_nothing_there(client, harbin, cyber_law):
    response = client.get(reverse("guides:home"), {"city": harbin.pk, "practice_area": cyber_law.pk}, follow=True)

    assert response.redirect_chain == [(landing_url(city=harbin, practice_area=cyber_law), 302)]
    assert "We haven't listed any" in response.content.decode()


@pytest.mark.parametrize(
    ("city", "message"),
    [
        ("abc", "We don&#x27;t know that city: choose one from the list."),
        ("999999", "We don&#x27;t know that city: choose one from the list."),
        ("", "Choose a city."),
    ],
    ids=["not a number", "unknown", "empty"],
)
def test_home_explains_a_bad_pick_with_a_400(client, cyber_law, city, message, assert_valid_html):
    response = client.get(reverse("guides:home"), {"city": city, "practice_area": cyber_law.pk})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert_valid_html(response.content)


def test_home_ignores_tracking_parameters_from_ad_and_newsletter_links(client, harbin, cyber_law):
    # Bug: any query string binds the picker form, so /?utm_source=newsletter answers 400
    # with "Choose a city." errors instead of the home page.
    response = client.get(reverse("guides:home"), {"utm_source": "newsletter", "gclid": "abc123"})

    assert response.status_code == 200
    assert "Choose a city." not in response.content.decode()


# City pages


def test_city_index_lists_cities_and_counts_only_live_guides(client, harbin, mudanjiang, cyber_law, family_law):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    GuideFactory(city=harbin, practice_area=family_law)  # draft
    GuideFactory(
        published=True,
        city=mudanjiang,
        practice_area=family_law,
        published_at=timezone.now() + datetime.timedelta(days=3),
    )  # scheduled

    response = client.get(reverse("guides:city_index"))

    content = response.content.decode()
    assert response.status_code == 200
    assert harbin.get_absolute_url() in content
    assert mudanjiang.get_absolute_url() in content
    assert "Heilongjiang · 1 guide" in content
    assert "2 guides" not in content
    assert "Heilongjiang · 0" not in content


def test_city_page_lists_the_citys_live_guides_only(client, harbin, mudanjiang, cyber_law, family_law):
    live = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    draft = GuideFactory(city=harbin, practice_area=family_law)
    elsewhere = GuideFactory(published=True, city=mudanjiang, practice_area=family_law)

    response = client.get(harbin.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert live.get_absolute_url() in content
    assert "Technology &amp; Data" in content  # grouped under the practice-area group
    assert draft.get_absolute_url() not in content
    assert elsewhere.get_absolute_url() not in content


def test_city_page_without_guides_or_firms_says_so_and_still_offers_the_request_form(client, harbin):
    response = client.get(harbin.get_absolute_url())

    content = response.content.decode()
    assert "We haven't listed any law firm in Harbin yet, and we have not published a guide for it." in content
    assert f'href="/requests/new/?city={harbin.pk}"' in content
    assert '<meta name="robots" content="noindex">' in content


@pytest.mark.parametrize(("country", "city"), [("china", "atlantis"), ("japan", "harbin")])
def test_city_page_of_an_unknown_city_is_not_found(client, harbin, country, city):
    response = client.get(reverse("guides:city_detail", kwargs={"country": country, "city": city}))

    assert response.status_code == 404


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_city_page_runs_the_same_number_of_queries_for_one_guide_or_many(client, harbin, mudanjiang):
    GuideFactory(published=True, city=harbin)
    GuideFactory.create_batch(8, published=True, city=mudanjiang)

    assert _query_count(client, harbin.get_absolute_url()) == _query_count(client, mudanjiang.get_absolute_url())


# Practice-area pages


def test_practice_area_index_lists_groups_and_their_areas(client, cyber_law, family_law):
    response = client.get(reverse("guides:practice_area_index"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Technology &amp; Data" in content
    assert cyber_law.get_absolute_url() in content
    assert family_law.get_absolute_url() in content
    assert family_law.parent.get_absolute_url() in content


def test_practice_area_page_of_a_group_lists_the_guides_of_its_areas(client, harbin, mudanjiang, cyber_law):
    sibling = PracticeAreaFactory(parent=cyber_law.parent, name="Telecoms Law", slug="telecoms-law")
    other_group_area = PracticeAreaFactory(name="Family Law", slug="family-law")
    cyber = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    telecoms = GuideFactory(published=True, city=mudanjiang, practice_area=sibling)
    family = GuideFactory(published=True, city=harbin, practice_area=other_group_area)
    draft = GuideFactory(city=harbin, practice_area=sibling)

    response = client.get(cyber_law.parent.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert cyber.get_absolute_url() in content
    assert telecoms.get_absolute_url() in content
    assert family.get_absolute_url() not in content
    assert draft.get_absolute_url() not in content


def test_practice_area_page_of_an_area_lists_only_its_own_guides(client, harbin, cyber_law):
    sibling = PracticeAreaFactory(parent=cyber_law.parent)
    cyber = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    other = GuideFactory(published=True, city=harbin, practice_area=sibling)

    response = client.get(cyber_law.get_absolute_url())

    content = response.content.decode()
    assert cyber.get_absolute_url() in content
    assert other.get_absolute_url() not in content


def test_practice_area_page_of_an_unknown_area_is_not_found(client):
    response = client.get(reverse("guides:practice_area_detail", kwargs={"practice_area": "astrology-law"}))

    assert response.status_code == 404


def test_practice_area_page_runs_the_same_number_of_queries_for_one_guide_or_many(client, cyber_law, family_law):
    GuideFactory(published=True, practice_area=cyber_law)
    for _ in range(8):
        GuideFactory(published=True, practice_area=family_law)

    assert _query_count(client, cyber_law.get_absolute_url()) == _query_count(client, family_law.get_absolute_url())


# Sitemap and robots.txt


def sitemap_entries(urls):
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for url in urls
    }


def test_sitemap_lists_live_guides_and_their_pages_under_the_site_url(client, settings, harbin, mudanjiang, cyber_law):
    settings.SITE_URL = SITE_URL
    live = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    draft = GuideFactory(city=mudanjiang, practice_area=cyber_law)
    scheduled_area = PracticeAreaFactory()
    scheduled = GuideFactory(
        published=True,
        city=mudanjiang,
        practice_area=scheduled_area,
        published_at=timezone.now() + datetime.timedelta(days=2),
    )

    index = client.get("/sitemap.xml", HTTP_HOST="localhost")

    assert index.status_code == 200
    assert b"localhost" not in index.content
    entries = sitemap_entries(sitemap_urls(client, HTTP_HOST="localhost"))
    assert all(loc.startswith(f"{SITE_URL}/") for loc in entries)
    assert entries[f"{SITE_URL}{live.get_absolute_url()}"] == timezone.localdate(live.updated_at).isoformat()
    assert f"{SITE_URL}{harbin.get_absolute_url()}" in entries
    assert f"{SITE_URL}{cyber_law.get_absolute_url()}" in entries
    assert f"{SITE_URL}/" in entries
    assert f"{SITE_URL}{draft.get_absolute_url()}" not in entries
    assert f"{SITE_URL}{scheduled.get_absolute_url()}" not in entries
    assert f"{SITE_URL}{mudanjiang.get_absolute_url()}" not in entries
    assert f"{SITE_URL}{scheduled_area.get_absolute_url()}" not in entries
    assert not any("/guides/preview/" in loc for loc in entries)
    assert not any("localhost" in loc for loc in entries)


def test_sitemap_runs_the_same_number_of_queries_for_few_guides_or_many(client, harbin, mudanjiang, settings):
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what a render costs
    GuideFactory(published=True, city=harbin)
    paths = ["/sitemap.xml", *section_paths(client)]
    few = [_query_count(client, path) for path in paths]
    GuideFactory.create_batch(8, published=True, city=mudanjiang)
    for _ in range(4):
        GuideFactory(published=True, city=CityFactory(region=harbin.region))

    assert [_query_count(client, path) for path in paths] == few


# Error pages


def test_an_unknown_address_shows_the_styled_not_found_page(client, assert_valid_html):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "We couldn't find that page" in content
    assert '<meta name="robots" content="noindex">' in content
    assert_accessible_page(assert_valid_html(content))


def test_the_server_error_page_renders_without_a_request_or_a_database(assert_valid_html):
    content = render_to_string("500.html")

    assert "Something went wrong on our side" in content
    assert_accessible_page(assert_valid_html(content))


# Every main page


@pytest.fixture
def every_page(harbin, cyber_law):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    return {
        "home": reverse("guides:home"),
        "city index": reverse("guides:city_index"),
        "city": harbin.get_absolute_url(),
        "practice-area index": reverse("guides:practice_area_index"),
        "group": cyber_law.parent.get_absolute_url(),
        "practice area": cyber_law.get_absolute_url(),
        "guide": guide.get_absolute_url(),
    }


@pytest.mark.parametrize(
    "page", ["home", "city index", "city", "practice-area index", "group", "practice area", "guide"]
)
def test_every_main_page_is_valid_accessible_html(client, every_page, page, assert_valid_html):
    response = client.get(every_page[page])

    assert response.status_code == 200
    assert_accessible_page(assert_valid_html(response.content))


def test_a_guide_is_found_only_under_its_own_country(client):
    germany = CountryFactory(name="Germany", slug="germany", code="DE")
    berlin = CityFactory(region=RegionFactory(country=germany), name="Berlin", slug="berlin")
    area = PracticeAreaFactory(parent=PracticeAreaGroupFactory())
    GuideFactory(published=True, city=berlin, practice_area=area)

    response = client.get(
        reverse("guides:landing", kwargs={"country": "china", "city": "berlin", "practice_area": area.slug})
    )

    assert response.status_code == 404
