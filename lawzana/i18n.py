"""Which language a page is in, and where the same page lives in the other languages.

The language of a page is in its URL, never in a cookie or the Accept-Language header: English
is unprefixed (/lawyers/...), Simplified Chinese under /zh-hans/ (lawzana/urls.py,
i18n_patterns with prefix_default_language=False). One URL then always shows one language, so
the anonymous page cache, search engines and shared links all see the same page
(docs/architecture.md: Languages).
"""

import re

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.translation import get_language_from_path, ngettext_lazy, override


def unprefixed(path: str) -> str:
    """`path` (a path_info) without its language prefix: what middleware that looks at
    sections of the site (/portal/, the admin) compares, whatever the language."""
    language = get_language_from_path(path)
    if language is None:
        return path
    return path[len(language) + 1 :] or "/"


def prefixed(path: str, language: str) -> str:
    """An unprefixed path (a path_info) under `language`'s prefix; English has none."""
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


def path_in_language(path_info: str, language: str) -> str:
    """The path (with the script prefix) of the page at `path_info`, in `language`.

    Through the URLconf when the path resolves to a named route (the route is reversed under
    `language`, as django.urls.translate_url does); by swapping the prefix otherwise, so that
    a 404 page leads to the same missing address in the other language.
    """
    try:
        match = resolve(path_info)
    except Resolver404:
        match = None
    if match is not None and match.url_name:
        try:
            with override(language):
                return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            pass
    return get_script_prefix().rstrip("/") + prefixed(unprefixed(path_info), language)


def request_in_language(request, language: str) -> str:
    """The URL of the page `request` asked for, in `language`, with its query string."""
    path = escape_uri_path(path_in_language(request.path_info, language))
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{iri_to_uri(query)}" if query else path


def alternates(path: str) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of the page at `path` (a path, with the script prefix, as
    canonical links take it) in every language, and x-default for English."""
    script_prefix = get_script_prefix().rstrip("/")
    path_info = path.removeprefix(script_prefix) or "/"
    urls = [(code, settings.SITE_URL + path_in_language(path_info, code)) for code, _name in settings.LANGUAGES]
    default = dict(urls)[settings.LANGUAGE_CODE]
    return [*urls, ("x-default", default)]


def lang_attribute(language: str) -> str:
    """A language code as HTML's lang attribute writes it (BCP 47's usual casing): zh-Hans, en."""
    language, _sep, rest = language.partition("-")
    if not rest:
        return language.lower()
    subtag = rest.title() if len(rest) == 4 else rest.upper() if len(rest) == 2 else rest
    return f"{language.lower()}-{subtag}"


# The language switch names each language in itself, whatever the page's language: a reader
# who cannot read the page's language still finds their own.
LANGUAGE_LABELS = {"en": "English", "zh-hans": "中文"}


# Durations for timesince/timeuntil, in the site's own catalogue: Django's Chinese says "3 月"
# (the third month), where a reader of "reviewed 3 months ago" expects "3 个月".
TIME_STRINGS = {
    "year": ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    "month": ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    "week": ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    "day": ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    "hour": ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    "minute": ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
}


_SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def close_han_gaps(text: str) -> str:
    """`text` without the spaces between two Chinese characters. A translation keeps a space
    between two names ("%(country)s %(city)s"), so that names shown in English when they have
    no Chinese stay apart ("China Harbin"); Chinese names are written together (中国哈尔滨)."""
    return _SPACE_BETWEEN_HAN.sub("", text)
