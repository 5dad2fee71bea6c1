"""How quickly and how often a firm answers its requests: the ranking's response term, and the
response time cards and profiles show.

An answer or an expiry only marks its firm (Firm.response_figures_due, in the same
transaction); the figures are recomputed on a schedule (intake.tasks.response_figures_refresh,
hourly) for the marked firms and those whose oldest matches left the window. So answering
requests retires no public page by itself: the refresh retires a firm's pages only when the
response time it shows changed, and a listing only when its order did (directory.services.firms).
"""

import statistics
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory import page_tags
from directory.models import Firm
from directory.services.firms import firms_refresh
from lawzana.page_cache import retire

from ..models import Match

RESPONSE_WINDOW_DAYS = 180

RESPONSE_MIN_MATCHES = 3


def response_figures_due(*, firm_ids) -> None:
    """Mark firms whose answers or expiries changed: the next scheduled refresh recomputes them."""
    ids = sorted(set(firm_ids))
    if ids:
        Firm.objects.filter(pk__in=ids, response_figures_due=False).update(response_figures_due=True)


def response_figures_refresh() -> int:
    """The scheduled refresh: recompute the marked firms' figures, and those of firms whose
    matches may have left the window since the last run. Returns the firms recomputed."""
    since = timezone.now() - timedelta(days=RESPONSE_WINDOW_DAYS)
    # Twice the schedule's period, so a late or missed run leaves no firm behind.
    leaving = since - timedelta(seconds=2 * settings.RESPONSE_FIGURES_REFRESH_SECONDS)
    with transaction.atomic():
        due = set(Firm.objects.select_for_update().filter(response_figures_due=True).values_list("pk", flat=True))
        # Unmarked before computing: an answer arriving meanwhile marks the firm again.
        Firm.objects.filter(pk__in=due).update(response_figures_due=False)
    due |= set(
        Match.objects.filter(delivered_at__gte=leaving, delivered_at__lt=since).values_list("firm_id", flat=True)
    )
    firms_response_refresh(firm_ids=due)
    return len(due)


def firms_response_refresh(*, firm_ids) -> None:
    """Recompute how quickly and how often firms answer requests, then their ranking.

    Over the firm's matches delivered in the last RESPONSE_WINDOW_DAYS days whose outcome is
    known (answered: accepted, declined or returned; or expired unanswered). Matches still
    open are left out until they are answered or expire, so a request that arrived an hour
    ago does not count against the firm; neither does one the client withdrew before it
    was answered.

        median_response_hours = median of (responded_at − delivered_at) among answered ones
        response_score = 0.5 × answered share + 0.5 × 1 / (1 + median hours / 24)

    Both stay None (the ranking's neutral middle) with fewer than RESPONSE_MIN_MATCHES such
    matches: one quick answer says little. Only firms whose figures changed are written; the
    pages of those whose shown response time (whole hours) changed are retired.
    """
    ids = sorted(set(firm_ids))
    if not ids:
        return
    since = timezone.now() - timedelta(days=RESPONSE_WINDOW_DAYS)
    rows = (
        Match.objects.filter(firm_id__in=ids, delivered_at__gte=since)
        .filter(Q(responded_at__isnull=False) | Q(status=Match.Status.EXPIRED))
        .values_list("firm_id", "delivered_at", "responded_at")
    )
    hours_by_firm: dict[int, list[float]] = {firm_id: [] for firm_id in ids}
    decided: dict[int, int] = dict.fromkeys(ids, 0)
    for firm_id, delivered_at, responded_at in rows:
        decided[firm_id] += 1
        if responded_at is not None:
            hours_by_firm[firm_id].append(max(0.0, (responded_at - delivered_at).total_seconds() / 3600))
    current = {
        pk: (score, hours)
        for pk, score, hours in Firm.objects.filter(pk__in=ids).values_list(
            "pk", "response_score", "median_response_hours"
        )
    }
    changed, shown_changed = [], []
    for firm_id in ids:
        hours = hours_by_firm[firm_id]
        median_hours = score = None
        if decided[firm_id] >= RESPONSE_MIN_MATCHES:
            answered_share = len(hours) / decided[firm_id]
            speed = 1 / (1 + statistics.median(hours) / 24) if hours else 0.0
            score = round(0.5 * answered_share + 0.5 * speed, 4)
            median_hours = round(statistics.median(hours), 1) if hours else None
        if firm_id not in current or current[firm_id] == (score, median_hours):
            continue
        Firm.objects.filter(pk=firm_id).update(response_score=score, median_response_hours=median_hours)
        changed.append(firm_id)
        if _shown(current[firm_id][1]) != _shown(median_hours):
            shown_changed.append(firm_id)
    # The ranking follows the score; listings are retired where their order changed.
    firms_refresh(firm_ids=changed, shown=False)
    retire(*(page_tags.firm(pk) for pk in shown_changed))


def _shown(hours):
    """The response time as pages show it: whole hours (floatformat:0)."""
    return None if hours is None else round(hours)
