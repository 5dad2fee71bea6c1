"""The sitemaps as a search engine reads them (guides/sitemaps.py): /sitemap.xml names one
sitemap per section and language, each page of it; each lists that language's pages only, every
entry naming the page in every language."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.services.firms import firms_refresh
from guides.sitemaps import Sitemap
from tests.factories import CityFactory, FirmFactory, GuideFactory, PracticeAreaFactory
from tests.sitemaps import NS, alternates, locations, section_paths, sitemap_text, sitemap_urls

pytestmark = pytest.mark.django_db

SITE_URL = "https://lawzana.example"
ZH = "zh-hans"
SECTIONS = ["main", "guides", "cities", "practice-areas", "firms", "firm-listings"]
# Queries for one page of any sitemap, or for the index: counting, the page's rows, and what
# completes them (the cities and practice areas of the firms' landing pages).
SITEMAP_QUERY_BUDGET = 4
INDEX_QUERY_BUDGET = 2 * 2 * len(SECTIONS)  # per sitemap: its latest change, its number of pages


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _index(client) -> dict[str, str]:
    """{sitemap URL: its lastmod} as the index names them, asked for under a forged Host."""
    response = client.get("/sitemap.xml", HTTP_HOST="localhost")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in root.findall("sm:sitemap", NS)
    }


def _page(client, path):
    response = client.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    return ET.fromstring(response.content).findall("sm:url", NS)


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_index_names_every_section_in_every_language_dated_by_its_latest_change(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    latest = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    latest.refresh_from_db()
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    guide.refresh_from_db()

    index = _index(client)

    assert list(index) == [
        f"{SITE_URL}/sitemap-{section}-{language}.xml" for section in SECTIONS for language in ["en", ZH]
    ]
    for language in ["en", ZH]:
        assert datetime.datetime.fromisoformat(index[f"{SITE_URL}/sitemap-firms-{language}.xml"]) == latest.updated_at
        assert datetime.datetime.fromisoformat(index[f"{SITE_URL}/sitemap-guides-{language}.xml"]) == guide.updated_at


def test_the_chinese_firms_sitemap_lists_chinese_profiles_each_with_its_english_alternate(client, harbin, cyber_law):
    firms = FirmFactory.create_batch(3, cities=[harbin], practice_areas=[cyber_law])
    english = {f"{SITE_URL}{firm.get_absolute_url()}" for firm in firms}

    chinese = sitemap_urls(client, f"firms-{ZH}", HTTP_HOST="localhost")

    assert sorted(locations(chinese)) == sorted(f"{SITE_URL}/{ZH}{firm.get_absolute_url()}" for firm in firms)
    for url in chinese:
        links = alternates(url)
        assert links[ZH] == url.findtext("sm:loc", namespaces=NS)
        assert links["en"] in english
        assert links["x-default"] == links["en"]
        assert links[ZH] == links["en"].replace(SITE_URL, f"{SITE_URL}/{ZH}", 1)
    assert set(locations(sitemap_urls(client, "firms-en"))) == english


def test_every_sitemap_lists_its_own_languages_pages_only(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law, PracticeAreaFactory()])
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)

    for path in section_paths(client):
        listed = locations(_page(client, path))
        assert listed, path
        if path.endswith(f"-{ZH}.xml"):
            assert all(loc.startswith(f"{SITE_URL}/{ZH}/") for loc in listed), path
        else:
            assert not any(loc.startswith(f"{SITE_URL}/{ZH}/") for loc in listed), path


def test_a_firm_unlisted_leaves_the_sitemaps_in_both_languages(client, harbin, cyber_law):
    kept = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    gone = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    assert f"{SITE_URL}/{ZH}{gone.get_absolute_url()}" in locations(sitemap_urls(client, f"firms-{ZH}"))

    gone.is_listed = False
    gone.save()
    firms_refresh(firm_ids=[gone.pk])  # as every save in the admin and the portal does

    content = sitemap_text(client)
    assert gone.get_absolute_url() not in content  # nor /zh-hans/firms/<slug>/, which contains it
    assert f"<loc>{SITE_URL}{kept.get_absolute_url()}</loc>" in content
    assert f"<loc>{SITE_URL}/{ZH}{kept.get_absolute_url()}</loc>" in content


def test_a_section_longer_than_a_page_is_split_and_the_index_names_every_page(client, harbin, cyber_law, monkeypatch):
    monkeypatch.setattr(Sitemap, "limit", 2)
    firms = FirmFactory.create_batch(5, cities=[harbin], practice_areas=[cyber_law])

    index = _index(client)

    for language, prefix in [("en", ""), (ZH, f"/{ZH}")]:
        first = f"/sitemap-firms-{language}.xml"
        assert [loc for loc in index if f"/sitemap-firms-{language}.xml" in loc] == [
            f"{SITE_URL}{first}",
            f"{SITE_URL}{first}?p=2",
            f"{SITE_URL}{first}?p=3",
        ]
        pages = [locations(_page(client, path)) for path in [first, f"{first}?p=2", f"{first}?p=3"]]
        assert [len(page) for page in pages] == [2, 2, 1]
        assert sorted(sum(pages, [])) == sorted(f"{SITE_URL}{prefix}{firm.get_absolute_url()}" for firm in firms)
        assert client.get(f"{first}?p=4").status_code == 404


def test_each_sitemap_page_runs_the_same_few_queries_however_many_pages_it_lists(
    client, harbin, cyber_law, monkeypatch, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what a render costs
    monkeypatch.setattr(Sitemap, "limit", 3)
    FirmFactory(cities=[harbin], practice_areas=[cyber_law, PracticeAreaFactory()])  # one with a guide, one without
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    few = {path: _queries(client, path) for path in ["/sitemap.xml", *section_paths(client)]}

    areas = PracticeAreaFactory.create_batch(3)
    for _ in range(4):
        city = CityFactory(region=harbin.region)
        FirmFactory.create_batch(2, cities=[city, harbin], practice_areas=areas)
        GuideFactory(published=True, city=city, practice_area=cyber_law)
    paths = section_paths(client)

    assert {
        "/sitemap-firms-en.xml?p=3",
        "/sitemap-cities-zh-hans.xml?p=2",
        "/sitemap-firm-listings-en.xml?p=2",
    } <= set(paths)
    with django_assert_max_num_queries(INDEX_QUERY_BUDGET):
        assert client.get("/sitemap.xml").status_code == 200
    assert _queries(client, "/sitemap.xml") == few["/sitemap.xml"]
    for path in paths:
        with django_assert_max_num_queries(SITEMAP_QUERY_BUDGET):
            assert client.get(path).status_code == 200
        assert _queries(client, path) == few[path.split("?")[0]], path


def test_a_firm_slugged_like_a_language_keeps_its_own_address_as_x_default(client, harbin, cyber_law):
    FirmFactory(slug="en", cities=[harbin], practice_areas=[cyber_law])

    (url,) = sitemap_urls(client, f"firms-{ZH}")

    assert alternates(url) == {
        "en": f"{SITE_URL}/firms/en/",
        ZH: f"{SITE_URL}/{ZH}/firms/en/",
        "x-default": f"{SITE_URL}/firms/en/",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-nope-en.xml",
        "/sitemap-firms-xx.xml",
        "/sitemap-firms-EN.xml",
        "/sitemap-firms-zh.xml",
        "/sitemap-firms-en-zh-hans.xml",
        "/sitemap--en.xml",
        "/sitemap-firms-en.xml?p=abc",
        "/sitemap-firms-en.xml?p=99999",
        "/sitemap-firms-en.xml?p=0",
        "/sitemap-firms-en.xml?p=-1",
        "/sitemap-firms-en.xml?p=1.5",
        "/sitemap-firms-en.xml?p=",
        "/sitemap-firms-en.xml?p=99999999999999999999999999",
    ],
)
def test_a_sitemap_that_does_not_exist_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("section", SECTIONS)
def test_a_sections_address_from_before_the_language_split_leads_to_its_english_sitemap(client, section):
    response = client.get(f"/sitemap-{section}.xml", HTTP_HOST="localhost")

    assert response.status_code == 301
    assert response["Location"] == f"{SITE_URL}/sitemap-{section}-en.xml"


def test_a_sitemap_is_kept_until_what_it_lists_changes(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    client.get("/sitemap-firms-en.xml")

    kept = client.get("/sitemap-firms-en.xml")
    assert kept["X-Page-Cache"] == "hit" and "noindex" in kept["X-Robots-Tag"]

    newcomer = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    response = client.get("/sitemap-firms-en.xml")
    assert response["X-Page-Cache"] == "miss"
    assert newcomer.get_absolute_url() in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
