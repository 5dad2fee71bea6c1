"""Which legal notice (Disclaimer) a page shows, and what must have one before a guide goes live.

A notice applies to a country, or to one practice area or group within it. A page about an
area shows, of the active notices of its country, the first of:

1. the area's own;
2. its group's (a notice for "Technology & Data" covers every area in that group);
3. the country-wide one (no practice area).

No active notice at all: the page shows none. One query, whatever the page lists: pages call
this once, for the place and area they are about, never per row.
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from .models import City, Country, Disclaimer, PracticeArea


def _first_applicable(*, country, area=None, group=None) -> Disclaimer | None:
    """`country`, `area` and `group` are ids, or querysets of one id (read as subqueries)."""
    # The country rides along (a join): the firm page names it.
    active = Disclaimer.objects.filter(country_id=country, is_active=True).select_related("country")
    if area is None:
        return active.filter(practice_area__isnull=True).first()
    preference = [When(practice_area_id=area, then=Value(0))]
    matches = Q(practice_area__isnull=True) | Q(practice_area_id=area)
    if group is not None:
        preference.append(When(practice_area_id=group, then=Value(1)))
        matches |= Q(practice_area_id=group)
    rank = Case(*preference, default=Value(2), output_field=IntegerField())
    return active.filter(matches).annotate(rank=rank).order_by("rank").first()


def disclaimer_for(country: Country | int, practice_area: PracticeArea | None = None) -> Disclaimer | None:
    """The active notice for a page about `country`, and `practice_area` (an area or a group) when
    given: see the module's docstring for which one."""
    country_id = country.pk if isinstance(country, Country) else country
    if practice_area is None:
        return _first_applicable(country=country_id)
    return _first_applicable(country=country_id, area=practice_area.pk, group=practice_area.parent_id)


def disclaimer_for_ids(*, city_id: int, practice_area_id: int) -> Disclaimer | None:
    """The same, from the ids a form holds (the request form's first step): the city's country
    and the area's group are read as subqueries of the one query."""
    country: QuerySet = City.objects.filter(pk=city_id).values("country_id")[:1]
    group: QuerySet = PracticeArea.objects.filter(pk=practice_area_id).values("parent_id")[:1]
    return _first_applicable(country=country, area=practice_area_id, group=group)


def publish_problem(country: Country) -> str | None:
    """Why a guide in `country` may not be published yet, or None: every page about a guide
    shows the country's notice, so a country-wide one must be active first."""
    if Disclaimer.objects.filter(country=country, practice_area__isnull=True, is_active=True).exists():
        return None
    return _(
        "%(country)s has no active legal notice: an editor adds one for the whole country "
        "(Directory › Disclaimers) before a guide there is published."
    ) % {"country": country.name}


def countries_without_notice() -> list[Country]:
    """Countries with at least one city and no active country-wide notice: their pages show no
    notice and their guides cannot be published. A database upgraded from before notices
    existed starts with every country here; the admin lists them (warn_missing_notices)."""
    covered = Disclaimer.objects.filter(practice_area__isnull=True, is_active=True).values("country_id")
    return list(Country.objects.filter(cities__isnull=False).exclude(pk__in=covered).distinct().order_by("name"))


def warn_missing_notices(request) -> None:
    """An admin warning on the lists of notices and guides, naming the countries without one."""
    from django.contrib import messages

    missing = countries_without_notice()
    if missing:
        messages.warning(
            request,
            _(
                "No active legal notice for %(countries)s: their pages show none and their guides cannot be "
                "published. Add one for the whole country in Directory › Disclaimers."
            )
            % {"countries": ", ".join(country.name for country in missing)},
        )
