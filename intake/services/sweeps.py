"""Celery beat's periodic work: re-publish what a lost task message left undone, expire and
re-route what nobody answered, retry unmatched requests, erase old personal data."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from lawzana.queue import publish

from ..models import Consent, Lead, Match
from .client_actions import lead_erase
from .delivery import match_mark_failed
from .response import response_figures_due
from .routing import lead_match

# How long an acceptance notice may sit in the queue before the sweeper publishes it again.
NOTIFY_GRACE_SECONDS = 120

# After this, a notice that never went out is left to the status page the client already has.
NOTIFY_GIVE_UP_DAYS = 7


def matches_sweep() -> int:
    """Re-publish pending matches whose task was lost (broker down, worker killed) and mark
    those out of attempts as failed. Returns how many were re-published."""

    now = timezone.now()
    lease_start = now - timedelta(seconds=settings.MATCH_DELIVERY_LEASE_SECONDS)
    stuck = Match.objects.filter(status=Match.Status.PENDING)
    for match_id in stuck.filter(attempts__gte=settings.MATCH_DELIVERY_MAX_ATTEMPTS).values_list("pk", flat=True):
        match_mark_failed(match_id=match_id, reason="No attempt succeeded.")
    due = stuck.filter(attempts__lt=settings.MATCH_DELIVERY_MAX_ATTEMPTS).filter(
        Q(last_attempt_at__isnull=True, created_at__lt=now - timedelta(seconds=30))
        | Q(last_attempt_at__lt=lease_start)
    )
    count = 0
    for match_id in due.values_list("pk", flat=True):
        if not publish("intake.tasks.match_deliver", match_id):
            break  # the broker is down: the match stays pending for the next sweep
        count += 1
    # Clients' status/confirmation emails lost with their task message (broker down).

    for lead_id in (
        Lead.objects.filter(
            confirmation_sent_at__isnull=True,
            erased_at__isnull=True,
            created_at__lt=now - timedelta(seconds=NOTIFY_GRACE_SECONDS),
            created_at__gte=now - timedelta(days=NOTIFY_GIVE_UP_DAYS),
        )
        .exclude(status=Lead.Status.WITHDRAWN)
        .values_list("pk", flat=True)
    ):
        if not publish("intake.tasks.lead_send_confirmation", lead_id):
            break
    # Acceptances whose email to the client was lost with its task message.

    for match_id in Match.objects.filter(
        status=Match.Status.ACCEPTED,
        client_notified_at__isnull=True,
        responded_at__lt=now - timedelta(seconds=NOTIFY_GRACE_SECONDS),
        responded_at__gte=now - timedelta(days=NOTIFY_GIVE_UP_DAYS),
    ).values_list("pk", flat=True):
        if not publish("intake.tasks.match_notify_accepted", match_id):
            break
    # Contact details released to a firm whose email was lost with its task message.
    for match_id in Match.objects.filter(
        status=Match.Status.ACCEPTED,
        contact_sent_at__isnull=True,
        contact_released_at__lt=now - timedelta(seconds=NOTIFY_GRACE_SECONDS),
        contact_released_at__gte=now - timedelta(days=NOTIFY_GIVE_UP_DAYS),
    ).values_list("pk", flat=True):
        if not publish("intake.tasks.match_send_contact", match_id):
            break
    # New requests whose matching never ran (their task was lost too).
    for lead_id in Lead.objects.filter(
        status=Lead.Status.CONFIRMED,
        matches__isnull=True,
        consents__purpose=Consent.Purpose.SHARE,
        confirmed_at__lt=now - timedelta(seconds=30),
    ).values_list("pk", flat=True):
        lead_match(lead_id=lead_id)
    return count


def matches_expire_and_reroute() -> int:
    """Matches nobody answered within the response window expire; their requests go to the
    next eligible firms within the cap. Returns the number of matches expired."""
    cutoff = timezone.now() - timedelta(hours=settings.LEAD_RESPONSE_WINDOW_HOURS)
    lead_ids = set(
        Match.objects.filter(status__in=[Match.Status.DELIVERED, Match.Status.VIEWED], delivered_at__lt=cutoff)
        .exclude(lead__matches__status=Match.Status.ACCEPTED)
        .values_list("lead_id", flat=True)
    )
    expiring = Match.objects.filter(
        lead_id__in=lead_ids, status__in=[Match.Status.DELIVERED, Match.Status.VIEWED], delivered_at__lt=cutoff
    )
    firm_ids = set(expiring.values_list("firm_id", flat=True))
    expired = expiring.update(status=Match.Status.EXPIRED, expired_at=timezone.now())
    for lead_id in lead_ids:
        lead_match(lead_id=lead_id)
    if firm_ids:
        # An unanswered request lowers the firm's answered share (at the next scheduled refresh).
        response_figures_due(firm_ids=firm_ids)
    return expired


def leads_expire() -> int:
    cutoff = timezone.now() - timedelta(days=settings.LEAD_EXPIRY_DAYS)
    old = Lead.objects.filter(
        created_at__lt=cutoff,
        status__in=[Lead.Status.NEW, Lead.Status.CONFIRMED, Lead.Status.MATCHED, Lead.Status.UNMATCHED],
    )
    expiring = Match.objects.filter(lead__in=old, status__in=Match.OPEN_STATUSES)
    firm_ids = set(expiring.filter(delivered_at__isnull=False).values_list("firm_id", flat=True))
    expiring.update(status=Match.Status.EXPIRED, expired_at=timezone.now())
    if firm_ids:
        response_figures_due(firm_ids=firm_ids)
    return old.update(status=Lead.Status.EXPIRED)


def leads_retry_unmatched() -> int:
    """Firms join over time: try unmatched requests again while they are recent."""
    cutoff = timezone.now() - timedelta(days=settings.LEAD_UNMATCHED_RETRY_DAYS)
    matched = 0
    for lead_id in Lead.objects.filter(status=Lead.Status.UNMATCHED, created_at__gte=cutoff).values_list(
        "pk", flat=True
    ):
        matched += bool(lead_match(lead_id=lead_id))
    return matched


def leads_erase_expired() -> int:
    """Erase personal data of requests older than the retention period."""
    cutoff = timezone.now() - timedelta(days=settings.LEAD_RETENTION_DAYS)
    leads = list(Lead.objects.filter(created_at__lt=cutoff, erased_at__isnull=True))
    for lead in leads:
        lead_erase(lead=lead)
    return len(leads)
