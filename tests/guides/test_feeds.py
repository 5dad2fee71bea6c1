"""The guides' Atom feeds as a feed reader reads them (guides/feeds.py): the site's, a city's
and a practice area's, each in the language of its address, and the pages that name them."""

import datetime
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.utils import timezone, translation

from guides.models import Guide, landing_title, landing_url
from tests.factories import CityFactory, GuideFactory, PracticeAreaFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://lawzana.example"
ZH = "zh-hans"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _feed(client, path):
    """The feed's root element, asked for under another Host than SITE_URL's."""
    response = client.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def _entries(root):
    return root.findall(f"{ATOM}entry")


def _links(root):
    return [entry.find(f"{ATOM}link").get("href") for entry in _entries(root)]


def _url(guide, language="en"):
    with translation.override(language):
        return SITE_URL + landing_url(city=guide.city, practice_area=guide.practice_area)


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_site_feed_lists_the_published_guides_of_its_language_only(client, harbin, cyber_law, employment_law):
    english = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    chinese = GuideFactory(published=True, city=harbin, practice_area=cyber_law, language=ZH)
    GuideFactory(city=harbin, practice_area=employment_law)  # a draft
    GuideFactory(published=True, published_at=timezone.now() + datetime.timedelta(days=1))  # scheduled
    GuideFactory(published=True, status=Guide.Status.REVIEW)  # taken back for review

    assert _links(_feed(client, "/feeds/guides.atom")) == [_url(english)]
    assert _links(_feed(client, f"/{ZH}/feeds/guides.atom")) == [_url(chinese, ZH)]


def test_the_chinese_city_feed_is_in_chinese_with_chinese_addresses(client, harbin, cyber_law):
    harbin.name_zh_hans = "哈尔滨"
    harbin.save()
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law, language=ZH)

    root = _feed(client, f"/{ZH}/feeds/lawyers/china/harbin.atom")

    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == ZH
    with translation.override(ZH):
        assert root.findtext(f"{ATOM}title") == translation.gettext("Lawzana guides: %(place)s") % {"place": "哈尔滨"}
        expected_title = str(landing_title(city=harbin, practice_area=cyber_law))
    assert "哈尔滨" in root.findtext(f"{ATOM}title")
    [entry] = _entries(root)
    assert entry.findtext(f"{ATOM}title") == expected_title
    assert "哈尔滨" in expected_title
    assert _links(root) == [f"{SITE_URL}/{ZH}/lawyers/china/harbin/{cyber_law.slug}/"] == [_url(guide, ZH)]
    feed_links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert feed_links == {
        "alternate": f"{SITE_URL}/{ZH}/lawyers/china/harbin/",
        "self": f"{SITE_URL}/{ZH}/feeds/lawyers/china/harbin.atom",
    }


def test_a_city_feed_lists_that_citys_guides_only(client, harbin, shanghai, cyber_law):
    here = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    GuideFactory(published=True, city=shanghai, practice_area=cyber_law)

    assert _links(_feed(client, "/feeds/lawyers/china/harbin.atom")) == [_url(here)]


def test_a_practice_area_feed_lists_that_areas_guides_and_a_groups_its_areas(
    client, harbin, cyber_law, employment_law
):
    cyber = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    sibling = GuideFactory(published=True, practice_area=PracticeAreaFactory(parent=cyber_law.parent))
    GuideFactory(published=True, city=harbin, practice_area=employment_law)

    assert _links(_feed(client, f"/feeds/practice-areas/{cyber_law.slug}.atom")) == [_url(cyber)]
    group = _feed(client, f"/feeds/practice-areas/{cyber_law.parent.slug}.atom")
    assert sorted(_links(group)) == sorted([_url(cyber), _url(sibling)])


def test_entries_come_latest_change_first_with_absolute_links_and_dates(client, harbin):
    older = GuideFactory(published=True, city=harbin, published_at=_days_ago(3))
    newer = GuideFactory(published=True, city=harbin, published_at=_days_ago(2))
    edited = GuideFactory(published=True, city=harbin, published_at=_days_ago(5))
    Guide.objects.filter(pk=edited.pk).update(content_changed_at=_days_ago(1))  # as the admin records an edit

    root = _feed(client, "/feeds/guides.atom")

    assert _links(root) == [_url(edited), _url(newer), _url(older)]
    for entry in _entries(root):
        assert entry.find(f"{ATOM}link").get("href").startswith(f"{SITE_URL}/lawyers/")
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Lawzana editors"
    first = _entries(root)[0]
    assert datetime.datetime.fromisoformat(first.findtext(f"{ATOM}updated")) > datetime.datetime.fromisoformat(
        first.findtext(f"{ATOM}published")
    )
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE_URL}/feeds/guides.atom"


def test_markup_in_a_title_or_summary_reaches_the_reader_as_text(client, cyber_law):
    city = CityFactory(name="<script>alert(1)</script>", slug="scripted")
    GuideFactory(published=True, city=city, practice_area=cyber_law, summary="Fines <b>double</b> & more")

    response = client.get("/feeds/guides.atom")

    assert b"<script>" not in response.content
    [entry] = _entries(ET.fromstring(response.content))
    assert entry.findtext(f"{ATOM}title").endswith("in <script>alert(1)</script>")
    summary = entry.find(f"{ATOM}summary")
    # type="html": the reader renders it as HTML, where the summary's "<" must be an entity.
    assert summary.get("type") == "html"
    assert summary.text == "Fines &lt;b&gt;double&lt;/b&gt; &amp; more"


def test_an_unknown_city_or_practice_area_has_no_feed(client, harbin, cyber_law):
    assert client.get("/feeds/lawyers/china/atlantis.atom").status_code == 404
    assert client.get("/feeds/lawyers/atlantis/harbin.atom").status_code == 404
    assert client.get("/feeds/practice-areas/alchemy.atom").status_code == 404


def _feed_hrefs(response):
    """The feeds a page names in its head, each with a title for the reader's list."""
    assert response.status_code == 200
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    links = document.findall(".//head/link[@rel='alternate'][@type='application/atom+xml']")
    assert all(link.get("title", "").startswith("Lawzana") for link in links)
    return [link.get("href") for link in links]


def test_pages_name_their_feeds_in_their_own_language(client, harbin, cyber_law):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    city_feed = f"{SITE_URL}/feeds/lawyers/china/harbin.atom"

    assert _feed_hrefs(client.get("/")) == [f"{SITE_URL}/feeds/guides.atom"]
    assert _feed_hrefs(client.get(guide.get_absolute_url())) == [f"{SITE_URL}/feeds/guides.atom", city_feed]
    assert _feed_hrefs(client.get(harbin.get_absolute_url())) == [city_feed]
    assert _feed_hrefs(client.get(cyber_law.get_absolute_url())) == [
        f"{SITE_URL}/feeds/practice-areas/{cyber_law.slug}.atom"
    ]
    assert _feed_hrefs(client.get(f"/{ZH}/")) == [f"{SITE_URL}/{ZH}/feeds/guides.atom"]


def test_a_published_or_edited_guide_shows_in_the_kept_feed_on_the_next_request(
    client, harbin, cyber_law, employment_law, django_capture_on_commit_callbacks
):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law, summary="The first summary.")
    draft = GuideFactory(city=harbin, practice_area=employment_law)
    client.get("/feeds/guides.atom")
    assert client.get("/feeds/guides.atom")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        guide.summary = "An edited summary."
        guide.save()
        draft.status, draft.published_at = Guide.Status.PUBLISHED, _days_ago(0)
        draft.save()

    root = _feed(client, "/feeds/guides.atom")
    assert sorted(_links(root)) == sorted([_url(guide), _url(draft)])
    assert "An edited summary." in [entry.findtext(f"{ATOM}summary") for entry in _entries(root)]


@pytest.mark.parametrize(
    "path",
    ["/feeds/guides.atom", "/feeds/lawyers/china/harbin.atom", "/feeds/practice-areas/technology-and-data.atom"],
)
def test_a_feed_runs_a_few_queries_however_many_guides_it_lists(
    client, settings, harbin, cyber_law, django_assert_max_num_queries, path
):
    settings.PAGE_CACHE_ENABLED = False
    for _n in range(8):
        GuideFactory(published=True, city=harbin, practice_area=PracticeAreaFactory(parent=cyber_law.parent))

    with django_assert_max_num_queries(2):
        root = _feed(client, path)

    assert len(_entries(root)) == 8
