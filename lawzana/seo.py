"""What search engines and link previews show of a page: its <title> at most 60 characters and its
description 70 to 160, one line, as their result pages show them without cutting. base.html passes
every page's title and description through these (guides/templatetags/seo.py)."""

import html

from django.utils.translation import gettext, to_locale

SITE_SUFFIX = " | Lawzana"
TITLE_MAX = 60
DESCRIPTION_MIN, DESCRIPTION_MAX = 70, 160
ELLIPSIS = "…"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut after a whole word and marked with an ellipsis."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut[:-1]
    return cut.rstrip(" ,;:.–-|·") + ELLIPSIS


def fit_title(*candidates: str) -> str:
    """The first candidate that fits with the site's name after it; else the first that fits
    alone; else the last one shortened. Candidates go from the fullest to the shortest."""
    candidates = [one_line(c) for c in candidates if one_line(c)]
    for candidate in candidates:
        if len(candidate + SITE_SUFFIX) <= TITLE_MAX:
            return candidate + SITE_SUFFIX
    for candidate in candidates:
        if len(candidate) <= TITLE_MAX:
            return candidate
    return shorten(candidates[-1], TITLE_MAX)


def page_title(rendered: str) -> str:
    """A page's title as its template wrote it ("… | Lawzana" or not), made to fit."""
    text = one_line(html.unescape(rendered))
    if len(text) <= TITLE_MAX:
        return text
    main = text.removesuffix(SITE_SUFFIX)
    return fit_title(main) if main else shorten(text, TITLE_MAX)


def page_description(rendered: str) -> str:
    """A page's description on one line, completed with what Lawzana offers when too short to
    say anything, and cut after a whole word when too long."""
    text = one_line(html.unescape(rendered))
    if len(text) < DESCRIPTION_MIN:
        offer = gettext("Lawzana: local legal guides and law firms you can compare. Share your needs for free.")
        text = f"{text.rstrip('.')}. {offer}" if text else offer
    return shorten(text, DESCRIPTION_MAX)


# og:locale wants a territory (Open Graph's locales are language_TERRITORY); the site's
# English is British, its Chinese Simplified as written in mainland China.
OG_LOCALES = {"en": "en_GB", "zh-hans": "zh_CN"}


def og_locale(language_code: str) -> str:
    return OG_LOCALES.get(language_code.lower(), to_locale(language_code))
