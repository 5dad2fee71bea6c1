"""Social cards: the 1200x630 PNG a link preview shows (og:image) for a guide, city, practice
area or firm page, drawn with Pillow: the Lawzana mark and wordmark, the page's title wrapped to
fit, and a subtitle.

Titles may be Chinese, so the font must have CJK glyphs: settings.OG_FONT_PATH, or else the
first CJK sans-serif font fontconfig knows (Debian's fonts-noto-cjk, installed by the Dockerfile
and .ci/run). Without one, rendering raises ImproperlyConfigured rather than drawing boxes.

A card is drawn once per title, subtitle and CARD_VERSION and kept in the cache; the response's
ETag is the same digest, so a crawler asking again gets a 304.
"""

import functools
import hashlib
import io
import shutil
import subprocess
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
# Change it with the drawing below, so that cached cards are drawn anew.
CARD_VERSION = 1
CACHE_SECONDS = 86400

MARGIN = 80
INK = "#1a1f2b"
MUTED = "#4a5365"
BRAND = "#1d3f6e"
WASH = "#f3f5f8"
# Title sizes tried from the largest down until the title fits in TITLE_LINES lines.
TITLE_SIZES = (76, 68, 60, 54, 48)
TITLE_LINES = 3
TITLE_TOP, TITLE_BOTTOM = 180, 490


@functools.cache
def font_path() -> str:
    """The font file to draw with: OG_FONT_PATH, or the first CJK sans-serif fontconfig lists."""
    if settings.OG_FONT_PATH:
        return settings.OG_FONT_PATH
    found = []
    if shutil.which("fc-list"):
        listing = subprocess.run(
            ["fc-list", "--format=%{file}\n", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        found = sorted({line.strip() for line in listing.splitlines() if line.strip()})
    # A sans-serif face reads best at a preview's size; bold for the title's weight.
    found.sort(key=lambda path: ("Sans" not in path, "Bold" not in path, path))
    if not found:
        raise ImproperlyConfigured(
            "No font with Chinese glyphs for the social cards (lawzana/og_image.py): install "
            "Debian's fonts-noto-cjk, or set OG_FONT_PATH to a .ttf/.otf/.ttc file that has them."
        )
    return found[0]


@functools.cache
def _face_index(path: str) -> int:
    """In a collection (.ttc) of one face per region, the Simplified Chinese one if there is one."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    for index in range(16):
        try:
            name = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if name.endswith(" SC"):
            return index
    return 0


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    path = font_path()
    try:
        return ImageFont.truetype(path, size, index=_face_index(path))
    except OSError as exc:
        raise ImproperlyConfigured(f"The social cards' font {path!r} cannot be read: {exc}") from exc


def _is_wide(char: str) -> bool:
    # CJK scripts wrap between any two characters; Latin ones only at spaces.
    return unicodedata.east_asian_width(char) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Pieces a line may break after: a word with its trailing space, or one wide character."""
    tokens, word = [], ""
    for char in text:
        if _is_wide(char):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        else:
            word += char
            if char == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """The text in lines no wider than width (a word wider than a line is cut anywhere)."""
    lines, line = [], ""
    for token in _tokens(" ".join(text.split())):
        if font.getlength((line + token).rstrip()) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for char in token:
            if line and font.getlength((line + char).rstrip()) > width:
                lines.append(line.rstrip())
                line = ""
            line += char
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _fit_title(title: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    for size in TITLE_SIZES:
        font = _font(size)
        lines = wrap(title, font, width)
        if len(lines) <= TITLE_LINES:
            return font, lines
    # Still too long at the smallest size: the last line ends with an ellipsis.
    lines = lines[:TITLE_LINES]
    while lines[-1] and font.getlength(lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] = lines[-1].rstrip() + "…"
    return font, lines


def draw_mark(draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """The Lawzana mark: a rounded brand-coloured square with an L, as in the emails' layout."""
    draw.rounded_rectangle((x, y, x + size, y + size), radius=size // 5, fill=BRAND)
    font = _font(int(size * 0.62))
    draw.text((x + size / 2, y + size / 2), "L", font=font, fill="#ffffff", anchor="mm")


def render(*, title: str, subtitle: str) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=BRAND)
    draw.rectangle((0, 0, WIDTH, 150), fill=WASH)
    draw_mark(draw, MARGIN, 45, 60)
    draw.text((MARGIN + 80, 75), "Lawzana", font=_font(44), fill=BRAND, anchor="lm")

    text_width = WIDTH - 2 * MARGIN
    font, lines = _fit_title(title, text_width)
    line_height = int(font.size * 1.25)
    top = TITLE_TOP + max(0, (TITLE_BOTTOM - TITLE_TOP - line_height * len(lines)) // 2)
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height), line, font=font, fill=INK)

    subtitle_lines = wrap(subtitle, _font(34), text_width)[:1]
    if subtitle_lines:
        draw.text((MARGIN, 560), subtitle_lines[0], font=_font(34), fill=MUTED, anchor="ls")

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def card_response(request, *, title: str, subtitle: str) -> HttpResponse:
    """The card for this title and subtitle, drawn once and then kept, with a long cache."""
    digest = hashlib.sha256(f"{CARD_VERSION}\0{title}\0{subtitle}".encode()).hexdigest()[:32]
    etag = quote_etag(digest)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        key = f"og-card:{digest}"
        png = cache.get(key)
        if png is None:
            png = render(title=title, subtitle=subtitle)
            cache.set(key, png, CACHE_SECONDS * 7)
        response = HttpResponse(png, content_type="image/png")
        response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
