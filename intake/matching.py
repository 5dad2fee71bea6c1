"""Which firms receive a request. Pure selection: intake/services/routing.py writes the matches.

Eligible: listed firms accepting requests, offering the request's practice area (or, for a
group, one of its areas), under their weekly capacity, not already matched to this request.
Where: an office in the request's city; when the city has fewer than needed, the region's
other cities, then the country's. Order: the client's language first, then rank (rounded, so
near-equal firms count as equal), then the firm that received fewest requests this week, then
a per-request shuffle, so equal firms share requests fairly.

A request the client sent from a firm's profile goes to that firm first, wherever its offices
and whatever it offers (the client chose it), as long as it is listed and accepting requests.
Its weekly capacity limits what matching sends it, not the clients who choose it.

A firm whose conflict list holds the request's other party (directory/conflicts.py) is passed
over, chosen or not; the next eligible firm takes its place.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import City, Firm, Office
from directory.selectors import practice_area_ids

from .models import Match

CAPACITY_WINDOW = timedelta(days=7)
# Rows the database returns beyond those needed, so the fair tie-break has equals to choose from.
TIE_MARGIN = 50
# _candidate_sql's scope numbers as Match.Scope.
SCOPES = {0: Match.Scope.CITY, 1: Match.Scope.REGION, 2: Match.Scope.COUNTRY}


@dataclass(frozen=True)
class Candidate:
    firm: Firm
    score: float
    reason: str
    # Where the firm was found (a Match.Scope value) and the city of the office that made it
    # eligible: the client's status page and the firm's notice say both.
    scope: str
    office_city_id: int | None


def _tiebreak(lead_id: int, firm_id: int) -> str:
    return hashlib.sha256(f"{lead_id}:{firm_id}".encode()).hexdigest()


class _Row(NamedTuple):
    """One row of _candidate_sql, in its column order."""

    id: int
    name: str
    ranking_score: float
    lead_capacity_per_week: int
    scope: int
    office_city_id: int
    speaks: int
    recent_matches: int


def _candidate_rows(sql: str, params: dict) -> list[_Row]:
    # Plain tuples: the query returns up to needed + TIE_MARGIN rows, and only the chosen few
    # become Firm instances (Firm.objects.raw() built one per row).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_Row(*values) for values in cursor.fetchall()]


# Firm's fields the candidate query loads, in the model's field order (what Model.from_db expects).
_FIRM_FIELDS = [f.attname for f in Firm._meta.concrete_fields if f.attname in _Row._fields]


def _firm(row: _Row) -> Firm:
    """The firm as Firm.objects.raw() would have built it: the fields it did not load are
    deferred, read from the database if something asks for them."""
    return Firm.from_db(connection.alias, _FIRM_FIELDS, [getattr(row, name) for name in _FIRM_FIELDS])


def _candidate_sql(*, n_areas: int, n_excluded: int, with_language: bool, within: str) -> str:
    """One query for every rule, because matching runs on each request: the scope (0 city,
    1 region, 2 country) of a firm's nearest office and that office's city (the client's city,
    else the first of the firm's cities in the region, else in the country), the language,
    the rank and this week's count. Plain SQL that SQLite and PostgreSQL both run; the ORM spelled it as several
    queries with correlated subqueries that cost more to build than to run.

    `within` is "city", "region" or "country": where the offices are looked for."""
    firm, office, city = Firm._meta.db_table, Office._meta.db_table, City._meta.db_table
    areas = Firm.practice_areas.through._meta.db_table
    languages = Firm.languages.through._meta.db_table
    match = Match._meta.db_table
    recent = f"(SELECT COUNT(*) FROM {match} m WHERE m.firm_id = t.id AND m.created_at >= %(since)s)"
    # A join rather than EXISTS: (firm, language) is unique, so it adds no row, and PostgreSQL
    # looks each firm up in that index instead of hashing every firm that speaks the language.
    speaks, speaks_join = "0", ""
    if with_language:
        speaks = "CASE WHEN fl.firm_id IS NULL THEN 0 ELSE 1 END"
        speaks_join = f"LEFT JOIN {languages} fl ON fl.firm_id = f.id AND fl.language_id = %(language)s"
    area_params = ", ".join(f"%(area{i})s" for i in range(n_areas))
    excluded = (
        "AND f.id NOT IN (" + ", ".join(f"%(excluded{i})s" for i in range(n_excluded)) + ")" if n_excluded else ""
    )
    # The region's or country's cities as a list of ids rather than a condition on the joined
    # city: PostgreSQL then reads their offices through the office city index instead of
    # scanning every office in the directory (about 3 ms more per widened request).
    offices_in = {
        "city": "o.city_id = %(city)s",
        "region": f"o.city_id IN (SELECT id FROM {city} WHERE region_id = %(region)s)",
        "country": f"o.city_id IN (SELECT id FROM {city} WHERE country_id = %(country)s)",
    }[within]
    # The inner query ranks without the weekly count and cuts to a few dozen rows; only those
    # rows pay for counting this week's requests.
    return f"""
        SELECT t.*, {recent} AS recent_matches
        FROM (
            SELECT f.id, f.name, f.ranking_score, f.lead_capacity_per_week, s.scope,
                   CASE s.scope WHEN 0 THEN %(city)s WHEN 1 THEN s.region_city_id ELSE s.any_city_id END
                       AS office_city_id,
                   {speaks} AS speaks
            FROM (
                SELECT o.firm_id,
                       MIN(CASE WHEN o.city_id = %(city)s THEN 0 WHEN c.region_id = %(region)s THEN 1 ELSE 2 END)
                           AS scope,
                       MIN(CASE WHEN c.region_id = %(region)s THEN o.city_id END) AS region_city_id,
                       MIN(o.city_id) AS any_city_id
                FROM {office} o JOIN {city} c ON c.id = o.city_id
                WHERE {offices_in}
                  AND o.firm_id IN (SELECT a.firm_id FROM {areas} a WHERE a.practicearea_id IN ({area_params}))
                GROUP BY o.firm_id
            ) s
            JOIN {firm} f ON f.id = s.firm_id
            {speaks_join}
            WHERE f.is_listed AND f.is_accepting_leads {excluded}
            ORDER BY s.scope, speaks DESC, ROUND(CAST(f.ranking_score AS NUMERIC), 2) DESC, f.id
            LIMIT %(limit)s
        ) t
        WHERE {recent} < t.lead_capacity_per_week
    """


def requested_candidate(*, lead) -> list[Candidate]:
    """The firm the client chose, if it still takes requests: a list of one, or none. Its
    office city, read in the same query, is the nearest to the client's, as matching's."""
    city = lead.city
    nearest_office = (
        Office.objects.filter(firm=OuterRef("pk"))
        .annotate(
            distance=Case(
                When(city_id=city.pk, then=Value(0)),
                When(city__region_id=city.region_id, then=Value(1)),
                When(city__country_id=city.country_id, then=Value(2)),
                default=Value(3),
            )
        )
        .order_by("distance", "city_id")
        .values("city_id")[:1]
    )
    firm = (
        Firm.objects.accepting_leads()
        .filter(pk=lead.requested_firm_id)
        .annotate(office_city_id=Subquery(nearest_office))
        .first()
    )
    if firm is None:
        return []
    return [
        Candidate(
            firm=firm,
            score=round(firm.ranking_score, 4),
            reason=_("chosen by the client on its profile"),
            scope=Match.Scope.CHOSEN,
            office_city_id=firm.office_city_id,
        )
    ]


def find_candidates(
    *, lead, needed: int, exclude_firm_ids=(), conflicted_firm_ids=(), skipped=None
) -> list[Candidate]:
    """Up to `needed` firms. A firm in `conflicted_firm_ids` (its conflict list holds the request's
    other party) is passed over and the next eligible firm takes its place; the conflicted firms
    that would have been chosen are appended to `skipped`, for their weekly count."""
    if needed <= 0:
        return []
    conflicted = set(conflicted_firm_ids)
    city = lead.city
    areas = practice_area_ids(lead.practice_area)
    excluded = list(exclude_firm_ids)
    params = {
        "city": city.pk,
        "region": city.region_id,
        "country": city.country_id,
        # Raw SQL skips field conversion: adapt the datetime as the backend stores it.
        "since": connection.ops.adapt_datetimefield_value(timezone.now() - CAPACITY_WINDOW),
        "language": lead.preferred_language_id,
        # Conflicted firms may come first: ask for as many more, so the slots still fill.
        "limit": needed + len(conflicted) + TIE_MARGIN,
        **{f"area{i}": pk for i, pk in enumerate(areas)},
        **{f"excluded{i}": pk for i, pk in enumerate(excluded)},
    }
    shape = {
        "n_areas": len(areas),
        "n_excluded": len(excluded),
        "with_language": lead.preferred_language_id is not None,
    }
    # Most requests are served by firms in their own city: ask for those first (a handful
    # of offices), and widen to the region, then the country, only when they are too few.
    # Stopping at the region gives the same firms the country would: nearer firms sort first.
    for within in ("city", "region", "country"):
        rows = _candidate_rows(_candidate_sql(**shape, within=within), params)
        if sum(row.id not in conflicted for row in rows) >= needed:
            break
    else:
        # Firms at capacity were cut after the limit: look at everyone before giving up.
        rows = _candidate_rows(_candidate_sql(**shape, within="country"), {**params, "limit": 100_000})
    rows.sort(
        key=lambda r: (r.scope, -r.speaks, -round(r.ranking_score, 2), r.recent_matches, _tiebreak(lead.pk, r.id))
    )
    places = {0: city.name, 1: city.region.name, 2: city.country.name}
    chosen = []
    for row in rows:
        if len(chosen) >= needed:
            break
        if row.id in conflicted:
            if skipped is not None:
                skipped.append(row.id)
            continue
        if row.scope == 0:
            parts = [_("office in %(place)s") % {"place": places[0]}]
        else:
            parts = [_("office elsewhere in %(place)s") % {"place": places[row.scope]}]
        if row.speaks:
            parts.append(_("speaks %(language)s") % {"language": str(lead.preferred_language)})
        parts.append(_("rank %(score).2f") % {"score": row.ranking_score})
        parts.append(_("%(count)d requests this week") % {"count": row.recent_matches})
        score = row.ranking_score + (0.1 if row.speaks else 0)
        chosen.append(
            Candidate(
                firm=_firm(row),
                score=round(score, 4),
                reason=" · ".join(parts),
                scope=SCOPES[row.scope],
                office_city_id=row.office_city_id,
            )
        )
    return chosen
