"""How quickly and how often a firm answers its requests: the ranking's response term."""

import statistics
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from directory.models import Firm
from directory.services.firms import firms_refresh

from ..models import Match

RESPONSE_WINDOW_DAYS = 180

RESPONSE_MIN_MATCHES = 3


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
    matches: one quick answer says little.
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
    for firm_id in ids:
        hours = hours_by_firm[firm_id]
        median_hours = score = None
        if decided[firm_id] >= RESPONSE_MIN_MATCHES:
            answered_share = len(hours) / decided[firm_id]
            speed = 1 / (1 + statistics.median(hours) / 24) if hours else 0.0
            score = round(0.5 * answered_share + 0.5 * speed, 4)
            median_hours = round(statistics.median(hours), 1) if hours else None
        Firm.objects.filter(pk=firm_id).update(response_score=score, median_response_hours=median_hours)
    firms_refresh(firm_ids=ids)
