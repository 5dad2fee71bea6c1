"""Social cards (og:image): every guide, city, practice-area and firm page names a 1200x630 PNG
of its title, drawn once and served with a long cache; Chinese titles are drawn in real
glyphs, not the missing-glyph box (lawzana/og_image.py)."""

import io
import os

import html5lib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from PIL import Image, ImageChops, ImageDraw

from lawzana import og_image
from tests.factories import CityFactory, FirmFactory, GuideFactory, PracticeAreaFactory


@pytest.fixture(autouse=True)
def cjk_font():
    """A CJK font is installed by the Dockerfile and .ci/run; elsewhere these tests say why they skip."""
    try:
        og_image.font_path()
    except ImproperlyConfigured as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(str(exc))
    cache.clear()


def _meta(response):
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return {
        (meta.get("property") or meta.get("name")): meta.get("content")
        for meta in tree.iter("meta")
        if meta.get("property") or meta.get("name")
    }


def _pages():
    city = CityFactory(name="Harbin", slug="harbin")
    area = PracticeAreaFactory(name="Cyber Law, Data Privacy and Data Protection", slug="cyber-law")
    GuideFactory(city=city, practice_area=area, published=True)
    firm = FirmFactory(name="Songhua River Legal Partners", cities=[city], ratings=[5, 4])
    return {
        "guide": (
            reverse("guides:landing", args=["china", "harbin", "cyber-law"]),
            reverse("guides:og_landing", args=["china", "harbin", "cyber-law"]),
        ),
        "city": (
            reverse("guides:city_detail", args=["china", "harbin"]),
            reverse("guides:og_city", args=["china", "harbin"]),
        ),
        "area": (
            reverse("guides:practice_area_detail", args=["cyber-law"]),
            reverse("guides:og_practice_area", args=["cyber-law"]),
        ),
        "firm": (firm.get_absolute_url(), reverse("directory:og_firm", args=[firm.slug])),
    }


@pytest.mark.django_db
def test_each_page_type_names_its_card_and_the_card_is_a_cached_1200x630_png(client):
    for kind, (page, card) in _pages().items():
        meta = _meta(client.get(page))
        assert meta["og:image"] == f"{settings.SITE_URL}{card}", kind
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:image:type"] == "image/png" and meta["og:image:alt"]
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:locale"] == "en_GB"

        response = client.get(card)
        assert response.status_code == 200, kind
        assert response["Content-Type"] == "image/png"
        assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG" and image.size == (1200, 630)

        # A crawler asking again with the ETag gets a 304 and no image.
        again = client.get(card, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and not again.content
        assert "max-age=86400" in again["Cache-Control"]


@pytest.mark.django_db
def test_a_card_is_drawn_once(client, monkeypatch):
    card = _pages()["firm"][1]
    drawn = []
    real = og_image.render
    monkeypatch.setattr(og_image, "render", lambda **kw: drawn.append(kw) or real(**kw))

    first, second = client.get(card), client.get(card)

    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert drawn == [{"title": "Songhua River Legal Partners", "subtitle": "Harbin, China · ★ 4.5 (2 reviews)"}]


@pytest.mark.django_db
def test_the_guide_card_says_when_the_guide_was_reviewed(client, monkeypatch):
    _pages()
    drawn = []
    monkeypatch.setattr(og_image, "render", lambda **kw: drawn.append(kw) or b"png")

    client.get(reverse("guides:og_landing", args=["china", "harbin", "cyber-law"]))

    [card] = drawn
    assert card["title"] == "Best Cyber Law, Data Privacy and Data Protection Lawyers in Harbin"
    assert card["subtitle"].startswith("Guide reviewed 20") and card["subtitle"].endswith("· Harbin, China")


@pytest.mark.django_db
def test_other_pages_have_a_locale_and_a_small_card_but_no_image(client):
    meta = _meta(client.get(reverse("guides:home")))

    assert meta["og:locale"] == "en_GB" and meta["twitter:card"] == "summary"
    assert "og:image" not in meta


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/og/lawyers/china/nowhere/cyber-law.png",
        "/og/lawyers/china/harbin/no-such-area.png",
        "/og/lawyers/atlantis/harbin.png",
        "/og/practice-areas/no-such-area.png",
        "/og/firms/no-such-firm.png",
        "/og/firms/compare.png",
        "/og/lawyers/china/harbin/%00.png",
        "/og/lawyers/china/harbin/cyber-law.jpg",
        "/og/firms/" + "a" * 3000 + ".png",
        "/og/practice-areas/%E5%93%88.png",
    ],
)
def test_unknown_or_bad_addresses_are_404(client, path):
    _pages()
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_an_unlisted_firm_has_no_card(client):
    firm = FirmFactory(is_listed=False)
    assert client.get(reverse("directory:og_firm", args=[firm.slug])).status_code == 404


def _glyph(char, font):
    image = Image.new("L", (120, 120), 0)
    ImageDraw.Draw(image).text((10, 10), char, font=font, fill=255)
    return image


def test_chinese_characters_are_drawn_as_glyphs_not_the_missing_glyph_box():
    title = "哈尔滨网络安全律师"
    font = og_image._font(80)
    # U+FFFF is no character: every font draws it as its .notdef box.
    missing = _glyph("\uffff", font)
    assert missing.getbbox() is not None, "the font's missing-glyph box is drawn"

    glyphs = [_glyph(char, font) for char in dict.fromkeys(title)]
    for char, glyph in zip(dict.fromkeys(title), glyphs, strict=True):
        assert glyph.getbbox() is not None, f"{char} drew nothing"
        assert ImageChops.difference(glyph, missing).getbbox() is not None, f"{char} is the missing-glyph box"
    for index, glyph in enumerate(glyphs):
        for other in glyphs[index + 1 :]:
            assert ImageChops.difference(glyph, other).getbbox() is not None, "two characters drew the same"


def test_a_long_chinese_title_is_wrapped_within_the_card():
    font = og_image._font(og_image.TITLE_SIZES[0])
    lines = og_image.wrap("哈尔滨网络安全律师：数据隐私与数据保护的最佳律师事务所" * 2, font, 1040)

    assert len(lines) > 1 and all(font.getlength(line) <= 1040 for line in lines)
    assert "".join(lines) == "哈尔滨网络安全律师：数据隐私与数据保护的最佳律师事务所" * 2


@pytest.mark.django_db
def test_a_chinese_city_gets_its_card(client):
    CityFactory(name="哈尔滨", slug="ha-er-bin")

    response = client.get(reverse("guides:og_city", args=["china", "ha-er-bin"]))

    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_an_overlong_title_ends_with_an_ellipsis_on_the_last_line():
    font, lines = og_image._fit_title("Data Protection " * 40, 1040)

    assert len(lines) == og_image.TITLE_LINES and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1040 for line in lines)


def test_a_missing_font_fails_clearly(settings):
    settings.OG_FONT_PATH = "/nonexistent/font.ttc"
    og_image.font_path.cache_clear()
    og_image._font.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="/nonexistent/font.ttc"):
            og_image.render(title="Lawyers in Harbin", subtitle="Harbin, China")
    finally:
        og_image.font_path.cache_clear()
        og_image._font.cache_clear()
