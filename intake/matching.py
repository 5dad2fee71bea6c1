"""Which firms receive a request. Pure selection: intake/services.py writes the matches.

Eligible: listed firms accepting requests, offering the request's practice area (or, for a
group, one of its areas), under their weekly capacity, not already matched to this request.
Where: an office in the request's city; when the city has fewer than needed, the region's
other cities, then the country's. Order: the client's language first, then rank (rounded, so
near-equal firms count as equal), then the firm that received fewest requests this week, then
a per-request shuffle, so equal firms share requests fairly.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Firm, Office
from directory.selectors import practice_area_ids

from .models import Match

CAPACITY_WINDOW = timedelta(days=7)
# Rows the database returns beyond those needed, so the fair tie-break has equals to choose from.
TIE_MARGIN = 50


@dataclass(frozen=True)
class Candidate:
    firm: Firm
    score: float
    reason: str


def _tiebreak(lead_id: int, firm_id: int) -> str:
    return hashlib.sha256(f"{lead_id}:{firm_id}".encode()).hexdigest()


def _candidate_sql(*, n_areas: int, n_excluded: int, with_language: bool, city_only: bool) -> str:
    """One query for every rule, because matching runs on each request: the scope (0 city,
    1 region, 2 country) of a firm's nearest office, the language, the rank and this week's
    count. Plain SQL that SQLite and PostgreSQL both run; the ORM spelled it as several
    queries with correlated subqueries that cost more to build than to run."""
    firm, office, city = Firm._meta.db_table, Office._meta.db_table, "directory_city"
    areas = Firm.practice_areas.through._meta.db_table
    languages = Firm.languages.through._meta.db_table
    match = Match._meta.db_table
    recent = f"(SELECT COUNT(*) FROM {match} m WHERE m.firm_id = t.id AND m.created_at >= %(since)s)"
    speaks = (
        f"CASE WHEN EXISTS (SELECT 1 FROM {languages} fl WHERE fl.firm_id = f.id AND fl.language_id = %(language)s)"
        " THEN 1 ELSE 0 END"
        if with_language
        else "0"
    )
    area_params = ", ".join(f"%(area{i})s" for i in range(n_areas))
    excluded = (
        "AND f.id NOT IN (" + ", ".join(f"%(excluded{i})s" for i in range(n_excluded)) + ")" if n_excluded else ""
    )
    # The inner query ranks without the weekly count and cuts to a few dozen rows; only those
    # rows pay for counting this week's requests.
    return f"""
        SELECT t.*, {recent} AS recent_matches
        FROM (
            SELECT f.id, f.name, f.ranking_score, f.lead_capacity_per_week, s.scope, {speaks} AS speaks
            FROM (
                SELECT o.firm_id,
                       MIN(CASE WHEN o.city_id = %(city)s THEN 0 WHEN c.region_id = %(region)s THEN 1 ELSE 2 END)
                           AS scope
                FROM {office} o JOIN {city} c ON c.id = o.city_id
                WHERE {"o.city_id = %(city)s" if city_only else "c.country_id = %(country)s"}
                  AND o.firm_id IN (SELECT a.firm_id FROM {areas} a WHERE a.practicearea_id IN ({area_params}))
                GROUP BY o.firm_id
            ) s
            JOIN {firm} f ON f.id = s.firm_id
            WHERE f.is_listed AND f.is_accepting_leads {excluded}
            ORDER BY s.scope, speaks DESC, ROUND(CAST(f.ranking_score AS NUMERIC), 2) DESC, f.id
            LIMIT %(limit)s
        ) t
        WHERE {recent} < t.lead_capacity_per_week
    """


def find_candidates(*, lead, needed: int, exclude_firm_ids=()) -> list[Candidate]:
    if needed <= 0:
        return []
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
        "limit": needed + TIE_MARGIN,
        **{f"area{i}": pk for i, pk in enumerate(areas)},
        **{f"excluded{i}": pk for i, pk in enumerate(excluded)},
    }
    shape = {
        "n_areas": len(areas),
        "n_excluded": len(excluded),
        "with_language": lead.preferred_language_id is not None,
    }
    # Most requests are served by firms in their own city: ask for those first (a handful
    # of offices), and widen to the region and country only when they are too few.
    rows = list(Firm.objects.raw(_candidate_sql(**shape, city_only=True), params))
    if len(rows) < needed:
        sql = _candidate_sql(**shape, city_only=False)
        rows = list(Firm.objects.raw(sql, params))
        if len(rows) < needed:
            # Firms at capacity were cut after the limit: look at everyone before giving up.
            rows = list(Firm.objects.raw(sql, {**params, "limit": 100_000}))
    rows.sort(
        key=lambda f: (f.scope, -f.speaks, -round(f.ranking_score, 2), f.recent_matches, _tiebreak(lead.pk, f.pk))
    )
    places = {0: city.name, 1: city.region.name, 2: city.country.name}
    chosen = []
    for firm in rows[:needed]:
        if firm.scope == 0:
            parts = [_("office in %(place)s") % {"place": places[0]}]
        else:
            parts = [_("office elsewhere in %(place)s") % {"place": places[firm.scope]}]
        if firm.speaks:
            parts.append(_("speaks %(language)s") % {"language": lead.preferred_language.name})
        parts.append(_("rank %(score).2f") % {"score": firm.ranking_score})
        parts.append(_("%(count)d requests this week") % {"count": firm.recent_matches})
        score = firm.ranking_score + (0.1 if firm.speaks else 0)
        chosen.append(Candidate(firm=firm, score=round(score, 4), reason=" · ".join(parts)))
    return chosen
