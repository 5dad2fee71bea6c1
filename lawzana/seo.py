"""What search engines and link previews show of a page: its <title> at most 60 characters and its
description 70 to 160, one line, as their result pages show them without cutting. base.html passes
every page's title and description through these (guides/templatetags/seo.py).

Lengths are widths: a Chinese character takes the room of two Latin letters on a result page,
so a Chinese title fits in about 30 characters where an English one has 60."""

import html
import unicodedata

from django.utils.translation import get_language, gettext, to_locale

SITE_SUFFIX = " | Lawzana"
TITLE_MAX = 60
DESCRIPTION_MIN, DESCRIPTION_MAX = 70, 160
ELLIPSIS = "…"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def width(text: str) -> int:
    """Room a text takes, counting wide (CJK) characters twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` (its width), cut after a whole word (or, in Chinese, which has no
    spaces, after a character) and marked with an ellipsis."""
    text = one_line(text)
    if width(text) <= limit:
        return text
    room, used, end = limit - width(ELLIPSIS) + 1, 0, 0
    for ch in text:
        used += width(ch)
        if used > room:
            break
        end += 1
    cut = text[:end]
    cut = cut[: cut.rfind(" ")] if " " in cut and not _wide(cut[-1:]) else cut[:-1]
    return cut.rstrip(" ,;:.–-|·，、；：。") + ELLIPSIS


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in "WF"


def fit_title(*candidates: str) -> str:
    """The first candidate that fits with the site's name after it; else the first that fits
    alone; else the last one shortened. Candidates go from the fullest to the shortest."""
    candidates = [one_line(c) for c in candidates if one_line(c)]
    for candidate in candidates:
        if width(candidate + SITE_SUFFIX) <= TITLE_MAX:
            return candidate + SITE_SUFFIX
    for candidate in candidates:
        if width(candidate) <= TITLE_MAX:
            return candidate
    return shorten(candidates[-1], TITLE_MAX)


def page_title(rendered: str) -> str:
    """A page's title as its template wrote it ("… | Lawzana" or not), made to fit."""
    text = one_line(html.unescape(rendered))
    if width(text) <= TITLE_MAX:
        return text
    main = text.removesuffix(SITE_SUFFIX)
    return fit_title(main) if main else shorten(text, TITLE_MAX)


def page_description(rendered: str) -> str:
    """A page's description on one line, completed with what Lawzana offers when too short to
    say anything, and cut after a whole word when too long."""
    text = one_line(html.unescape(rendered))
    if width(text) < DESCRIPTION_MIN:
        offer = gettext("Lawzana: local legal guides and law firms you can compare. Share your needs for free.")
        if not text:
            text = offer
        elif (get_language() or "").startswith("zh"):
            text = f"{text.rstrip('.。')}。{offer}"
        else:
            text = f"{text.rstrip('.')}. {offer}"
    return shorten(text, DESCRIPTION_MAX)


# og:locale wants a territory (Open Graph's locales are language_TERRITORY); the site's
# English is British, its Chinese Simplified as written in mainland China.
OG_LOCALES = {"en": "en_GB", "zh-hans": "zh_CN"}


def og_locale(language_code: str) -> str:
    return OG_LOCALES.get(language_code.lower(), to_locale(language_code))
