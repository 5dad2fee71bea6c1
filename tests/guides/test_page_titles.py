"""Every public page type, for short and long practice-area names, with and without "Law" at their
end: no word twice in a row in its headings, title or description, a title of at most 60
characters and a description of 70 to 160, one line (lawzana/seo.py)."""

import re
from urllib.parse import urlencode

import html5lib
import pytest
from django.urls import reverse

from guides.models import landing_url
from tests.factories import (
    ArticleFactory,
    CityFactory,
    FaqItemFactory,
    FirmFactory,
    GuideFactory,
    PracticeAreaFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

AREA_NAMES = [
    "Family Law",
    "Cyber Law, Data Privacy and Data Protection",
    "Immigration",
    "Tax",
    "Intellectual Property, Trademarks, Patents and Software Copyright Law",
    "Labour and employment law",
]
DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


def public_pages(area, city, firm, article):
    """(what, URL) of every public page type that names the area, the city or the firm."""
    compare = reverse("directory:compare") + "?" + urlencode({"firms": [firm.slug]}, doseq=True)
    return [
        ("home", reverse("guides:home")),
        ("city index", reverse("guides:city_index")),
        ("city", city.get_absolute_url()),
        ("landing with a guide and a firm", landing_url(city=city, practice_area=area)),
        ("landing with neither", landing_url(city=CityFactory(region=city.region, name="Hegang"), practice_area=area)),
        ("practice area index", reverse("guides:practice_area_index")),
        ("practice area", area.get_absolute_url()),
        ("firm", firm.get_absolute_url()),
        ("article", article.get_absolute_url()),
        ("compare", compare),
        ("search", reverse("directory:search")),
        ("search results", reverse("directory:search") + "?q=" + area.name),
        ("how we rank", reverse("directory:how_we_rank")),
        ("privacy", reverse("privacy")),
        ("request form", reverse("intake:lead_new")),
        ("not found", "/no-such-page/"),
    ]


def texts(tree):
    title = tree.find(".//title").text or ""
    metas = {(meta.get("name") or meta.get("property")): meta.get("content") or "" for meta in tree.iter("meta")}
    headings = [" ".join("".join(h.itertext()).split()) for level in "123" for h in tree.iter(f"h{level}")]
    return title, metas, headings


@pytest.mark.parametrize("area_name", AREA_NAMES)
def test_every_public_page_has_a_title_and_description_that_fit_without_doubled_words(client, area_name):
    area = PracticeAreaFactory(name=area_name, slug=re.sub(r"[^a-z]+", "-", area_name.lower()).strip("-"))
    city = CityFactory(region=RegionFactory(name="Heilongjiang"), name="Harbin", slug="harbin")
    firm = FirmFactory(
        complete=True, name="Songhua River Legal Partners", tagline="Disputes", cities=[city], practice_areas=[area]
    )
    article = ArticleFactory(firm=firm, title="What changes this year", summary="")
    guide = GuideFactory(published=True, city=city, practice_area=area, meta_description="Short.\n")
    FaqItemFactory(guide=guide)

    for what, url in public_pages(area, city, firm, article):
        response = client.get(url)
        assert response.status_code in (200, 404), (what, url)
        title, metas, headings = texts(html5lib.parse(response.content, namespaceHTMLElements=False))
        for name, text in [("title", title), ("og:title", metas["og:title"])]:
            assert text.strip(), (what, name)
            assert len(text) <= 60, (what, name, text)
            assert text == " ".join(text.split()), (what, name, text)
            assert not text.endswith(("…|", " ")), (what, name, text)
        for name in ("description", "og:description"):
            text = metas[name]
            assert 70 <= len(text) <= 160, (what, name, len(text), text)
            assert text == " ".join(text.split()), (what, name, text)  # stripped, one line
        for text in [title, metas["og:title"], metas["description"], metas["og:description"], *headings]:
            assert not DOUBLED.search(text), (what, text)
