"""Every page's language is in its URL (lawzana/i18n.py): English unprefixed, Simplified Chinese
under /zh-hans/, whatever a cookie or Accept-Language says; each page links to itself in the
other language, lists both in hreflang, and the sitemaps list both."""

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
import yaml
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from tests.authz.test_matrix import _walk
from tests.factories import EditorFactory, FirmFactory, GuideFactory, UserFactory, email_verify
from tests.sitemaps import NS, sitemap_urls

pytestmark = pytest.mark.django_db

SITE_URL = "https://lawzana.example"
ZH = "zh-hans"
MATRIX = yaml.safe_load((Path(__file__).parents[1] / "authz" / "matrix.yaml").read_text())
# Values of the right shape for every placeholder matrix.yaml's paths use: only reversed here.
SAMPLE = {
    "firm": "songhua-partners",
    "other_firm": "other-partners",
    "country": "china",
    "city": "harbin",
    "area": "cyber-law",
    "draft_guide": 7,
    "article": "a-breach",
    "article_pk": 7,
    "office": 7,
    "lawyer": 7,
    "fee": 7,
    "review": 7,
    "invitation": 7,
    "member": 7,
    "match": uuid.UUID(int=7),
    "lead_token": "t0ken",
    "lead_match": 7,
    "api_token": 7,
    "webhook": 7,
    "conflict": 7,
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _localised_url_names():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            yield from _walk(pattern.url_patterns)


def _tree(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def _switch(response):
    """The language switch's links in the header: {hreflang: (href, lang, text)}."""
    nav = _tree(response).find(".//nav[@class='site-nav']")
    return {a.get("hreflang"): (a.get("href"), a.get("lang"), a.text) for a in nav.iter("a") if a.get("hreflang")}


def _alternates(response):
    head = _tree(response).find("head")
    # The language versions: alternates with a hreflang (the guides' Atom feeds are alternates too).
    languages = [link for link in head.iter("link") if link.get("rel") == "alternate" and link.get("hreflang")]
    return {link.get("hreflang"): link.get("href") for link in languages}


def _lang(response):
    return _tree(response).get("lang")


def test_every_localised_route_reverses_and_resolves_in_both_languages():
    names = sorted(set(_localised_url_names()))
    assert "account_login" in names and "guides:landing" in names and "portal:home" in names
    assert not {"healthz", "csp_report", "robots_txt", "sitemap_index"} & set(names)

    for name in names:
        if name.startswith("admin:"):
            continue
        kwargs = {key: str(value).format(**SAMPLE) for key, value in MATRIX["urls"][name]["path"].items()}
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                path = reverse(name, kwargs=kwargs)
                assert resolve(path).view_name == name, path
            assert path.startswith(f"/{ZH}/") is (language == ZH), path


def test_the_admin_and_the_sign_in_page_live_under_both_languages(client):
    for language in ["en", ZH]:
        with translation.override(language):
            prefix = "" if language == "en" else f"/{ZH}"
            assert reverse("admin:index") == f"{prefix}/{settings.ADMIN_URL}"
            assert reverse("account_login") == f"{prefix}/accounts/login/"
    assert client.get(f"/{ZH}/accounts/login/").status_code == 200
    # Signing in from a Chinese page comes back to Chinese pages.
    response = client.get(f"/{ZH}/portal/")
    assert response["Location"] == f"/{ZH}/accounts/login/?next=/{ZH}/portal/"


def test_the_switch_leads_to_the_same_page_in_the_other_language_and_back(client, harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    for english in [
        "/",
        f"{reverse('guides:city_index')}?page=2",
        f"{reverse('directory:search')}?q=data+%E6%95%B0%E6%8D%AE&page=2",
        firm.get_absolute_url(),
        harbin.get_absolute_url(),
        reverse("account_login"),
        "/no-such-page/",
    ]:
        response = client.get(english)
        assert _lang(response) == "en"
        assert list(_switch(response)) == [ZH]
        chinese, lang, label = _switch(response)[ZH]
        assert (lang, label) == ("zh-Hans", "中文")
        assert chinese == f"/{ZH}{english}"

        response = client.get(chinese)
        assert response.status_code == client.get(english).status_code
        assert _lang(response) == "zh-Hans"
        assert _switch(response) == {"en": (english, "en", "English")}


def test_hreflang_alternates_are_absolute_and_reciprocal(client, harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    for path in ["/", harbin.get_absolute_url(), guide.get_absolute_url(), firm.get_absolute_url(), "/privacy/"]:
        english = _alternates(client.get(path))
        assert english == {
            "en": f"{SITE_URL}{path}",
            ZH: f"{SITE_URL}/{ZH}{path}",
            "x-default": f"{SITE_URL}{path}",
        }
        # The Chinese page names the same pair: each page is the other's alternate.
        assert _alternates(client.get(urlsplit(english[ZH]).path)) == english


def test_alternates_follow_the_canonical_page_not_the_query(client, harbin, cyber_law):
    path = GuideFactory(published=True, city=harbin, practice_area=cyber_law).get_absolute_url()

    response = client.get(f"/{ZH}{path}?sort=rating")

    head = _tree(response).find("head")
    canonical = next(link.get("href") for link in head.iter("link") if link.get("rel") == "canonical")
    assert canonical == f"{SITE_URL}/{ZH}{path}"
    assert _alternates(response)[ZH] == canonical


def test_the_sitemaps_list_every_page_in_both_languages_with_their_alternates(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    GuideFactory(published=True, city=harbin, practice_area=cyber_law, language=ZH)

    urls = sitemap_urls(client)

    locations = [url.findtext("sm:loc", namespaces=NS) for url in urls]
    assert locations.count(f"{SITE_URL}{guide.get_absolute_url()}") == 1  # one landing, two guides
    assert f"{SITE_URL}/{ZH}{guide.get_absolute_url()}" in locations
    english = [loc for loc in locations if not loc.startswith(f"{SITE_URL}/{ZH}/")]
    assert sorted(loc.replace(f"{SITE_URL}/", f"{SITE_URL}/{ZH}/", 1) for loc in english) == sorted(
        set(locations) - set(english)
    )
    for url in urls:
        links = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
        assert set(links) == {"en", ZH, "x-default"}
        assert url.findtext("sm:loc", namespaces=NS) in links.values()
        assert links["x-default"] == links["en"]
        assert links[ZH] == links["en"].replace(f"{SITE_URL}/", f"{SITE_URL}/{ZH}/", 1)


def test_the_sitemap_index_names_one_sitemap_per_section_and_language_under_the_site_url(client):
    response = client.get("/sitemap.xml", HTTP_HOST="localhost")

    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).findall("sm:sitemap/sm:loc", NS)]
    assert locations == [
        f"{SITE_URL}/sitemap-{section}-{language}.xml"
        for section in ["main", "guides", "cities", "practice-areas", "firms", "firm-listings"]
        for language in ["en", ZH]
    ]
    assert client.get("/robots.txt").content.decode().splitlines()[-1] == f"Sitemap: {SITE_URL}/sitemap.xml"


def test_the_language_is_the_urls_whatever_the_cookie_or_accept_language_says(client, harbin, cyber_law):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH
    for headers in [{}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}]:
        response = client.get("/", **headers)
        assert response.status_code == 200  # no redirect to /zh-hans/
        assert _lang(response) == "en"
        assert response["Content-Language"] == "en"
        assert _lang(client.get(f"/{ZH}/", **headers)) == "zh-Hans"


def test_cached_pages_are_kept_apart_per_language(client, harbin, cyber_law):
    """The landing page is kept whole for anonymous visitors (lawzana/page_cache.py): the
    English and Chinese copies are two entries, whichever language the visitor's cookie asks."""
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    english = GuideFactory(published=True, city=harbin, practice_area=cyber_law).get_absolute_url()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH

    seen = [(path, _lang(client.get(path))) for path in [english, f"/{ZH}{english}"] * 2]

    assert seen == [(english, "en"), (f"/{ZH}{english}", "zh-Hans")] * 2


def test_pages_with_personal_data_are_never_stored_in_either_language(client):
    for path in ["/accounts/login/", f"/{ZH}/accounts/login/", f"/{ZH}/portal/", f"/{ZH}/{settings.ADMIN_URL}"]:
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_the_admin_is_in_the_urls_language_with_a_switch(client):
    client.force_login(EditorFactory())

    response = client.get(f"/{ZH}/{settings.ADMIN_URL}")

    assert response.status_code == 200
    assert _tree(response).get("lang") == ZH  # Django's own admin template
    links = [a for a in _tree(response).iter("a") if a.get("hreflang")]
    assert [(a.get("href"), a.get("lang"), a.text) for a in links] == [(f"/{settings.ADMIN_URL}", "en", "English")]
    view_site = next(a for a in _tree(response).iter("a") if a.text == "查看站点")
    assert view_site.get("href") == f"/{ZH}/"


def test_staff_without_two_factors_are_stopped_at_the_chinese_admin_too(client):
    client.force_login(EditorFactory(mfa=False))

    response = client.get(f"/{ZH}/{settings.ADMIN_URL}")

    assert response.status_code == 302
    with translation.override(ZH):
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(f"/{ZH}/")


def test_the_server_error_page_is_in_the_urls_language():
    with translation.override(ZH):
        page = render_to_string("500.html")

    assert '<html lang="zh-Hans">' in page
    assert f'href="/{ZH}/"' in page and 'href="/"' not in page


def test_an_email_asked_for_on_a_chinese_page_links_to_chinese_pages(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    email_verify(UserFactory(email="lawyer@firm.example"))

    client.post(f"/{ZH}/accounts/password/reset/", {"email": "lawyer@firm.example"})

    (message,) = mail.outbox
    html = message.alternatives[0].content
    assert f"/{ZH}/accounts/password/reset/key/" in message.body
    assert '<html lang="zh-Hans"' in html
    assert f'href="{SITE_URL}/{ZH}/"' in html and f'href="{SITE_URL}/{ZH}/privacy/"' in html
