"""A firm's slug is a segment of the site's addresses: /firms/<slug>/ and /portal/<slug>/....
Where a firm's slug goes, the site's own pages use fixed words too (/firms/compare/,
/portal/new/, /portal/claim/...), and a firm whose slug was one of them would be shadowed by
that page or shadow it. So a firm's slug may not be any fixed word that sits, in the URLconf,
beside a <firm:...> segment, read from the URLconf itself rather than kept by hand here.

URLconfs mark the firm's place with the "firm" path converter (FirmSlugConverter, registered in
DirectoryConfig.ready(), before any URLconf loads).
"""

import functools
import re

from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import SlugConverter
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.translation import gettext_lazy as _

CONVERTER = "firm"


class FirmSlugConverter(SlugConverter):
    """A firm's slug in a URL: a slug like any other, marked so that its siblings are reserved."""


def could_be_slug(value: str) -> bool:
    """Whether a visitor's value (?firm=...) could be a firm's slug, and so is worth a query."""
    return 0 < len(value) <= 200 and re.fullmatch(FirmSlugConverter.regex, value) is not None


def _segments(pattern) -> tuple[str, ...]:
    if isinstance(pattern, LocalePrefixPattern):
        return ()  # /zh-hans/ or nothing: not where a slug goes
    if isinstance(pattern, RoutePattern):
        return tuple(part for part in str(pattern).split("/") if part)
    return ("<regex>",)  # a regular expression: neither a fixed word nor a firm's place


def _routes(patterns, prefix=()):
    for entry in patterns:
        segments = prefix + _segments(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, segments)
        elif isinstance(entry, URLPattern):
            yield segments


@functools.cache
def _reserved_in(resolver) -> frozenset[str]:
    routes = list(_routes(resolver.url_patterns))
    firm_places = {
        route[:index] for route in routes for index, part in enumerate(route) if part.startswith(f"<{CONVERTER}:")
    }
    return frozenset(
        route[len(place)]
        for place in firm_places
        for route in routes
        if len(route) > len(place) and route[: len(place)] == place and "<" not in route[len(place)]
    )


def reserved_firm_slugs() -> frozenset[str]:
    """The fixed words that sit where a firm's slug goes in the current URLconf."""
    return _reserved_in(get_resolver())


def validate_firm_slug(value: str) -> None:
    if value in reserved_firm_slugs():
        raise ValidationError(
            _("“%(slug)s” is a word of Lawzana's own addresses; choose another slug for the firm."),
            code="reserved",
            params={"slug": value},
        )


def refuse_reserved_slug(sender, instance, **kwargs) -> None:
    """pre_save: refuse a reserved slug however the firm is saved (the admin, a service, loaddata)."""
    try:
        validate_firm_slug(instance.slug)
    except ValidationError as exc:
        raise ValidationError({"slug": exc.messages}) from None
