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

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import City, Firm
from directory.selectors import firms_serving

CAPACITY_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Candidate:
    firm: Firm
    score: float
    reason: str


def _tiebreak(lead_id: int, firm_id: int) -> str:
    return hashlib.sha256(f"{lead_id}:{firm_id}".encode()).hexdigest()


def find_candidates(*, lead, needed: int, exclude_firm_ids=()) -> list[Candidate]:
    if needed <= 0:
        return []
    city = lead.city
    scopes = [
        (City.objects.filter(pk=city.pk), _("office in %(place)s") % {"place": city.name}),
        (
            City.objects.filter(region_id=city.region_id).exclude(pk=city.pk),
            _("office elsewhere in %(place)s") % {"place": city.region.name},
        ),
        (
            City.objects.filter(country_id=city.country_id).exclude(region_id=city.region_id),
            _("office elsewhere in %(place)s") % {"place": city.country.name},
        ),
    ]
    since = timezone.now() - CAPACITY_WINDOW
    chosen: list[Candidate] = []
    taken = set(exclude_firm_ids)
    for cities, where in scopes:
        firms = (
            firms_serving(practice_area=lead.practice_area, cities=cities)
            .filter(is_accepting_leads=True)
            .exclude(pk__in=taken)
            .annotate(recent_matches=Count("matches", filter=Q(matches__created_at__gte=since)))
            .filter(recent_matches__lt=F("lead_capacity_per_week"))
        )
        if lead.preferred_language_id:
            speaks = Firm.languages.through.objects.filter(
                firm_id=OuterRef("pk"), language_id=lead.preferred_language_id
            )
            firms = firms.annotate(speaks=Exists(speaks))
        rows = list(firms)
        rows.sort(
            key=lambda f: (
                not getattr(f, "speaks", False),
                -round(f.ranking_score, 2),
                f.recent_matches,
                _tiebreak(lead.pk, f.pk),
            )
        )
        for firm in rows[: needed - len(chosen)]:
            parts = [where]
            if getattr(firm, "speaks", False):
                parts.append(_("speaks %(language)s") % {"language": lead.preferred_language.name})
            parts.append(_("rank %(score).2f") % {"score": firm.ranking_score})
            parts.append(_("%(count)d requests this week") % {"count": firm.recent_matches})
            score = firm.ranking_score + (0.1 if getattr(firm, "speaks", False) else 0)
            chosen.append(Candidate(firm=firm, score=round(score, 4), reason=" · ".join(parts)))
            taken.add(firm.pk)
        if len(chosen) >= needed:
            break
    return chosen
