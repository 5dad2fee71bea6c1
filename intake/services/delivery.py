"""Telling a firm about a request it was matched with: one email per match, exactly once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Firm, Membership
from lawzana import emails

from .. import events
from ..models import Lead, Match
from ..redaction import redacted_summary

logger = logging.getLogger(__name__)


def match_deliver(*, match_id: int) -> bool:
    """Email one firm about one request. Returns True if this call delivered it.

    A conditional UPDATE claims the match for a lease, so a second worker (or a re-sent task
    message) finds nothing to do. A crash after sending but before marking it delivered
    resends once after the lease: the price of never losing a request.
    """
    now = timezone.now()
    lease_start = now - timedelta(seconds=settings.MATCH_DELIVERY_LEASE_SECONDS)
    claimed = (
        Match.objects.filter(pk=match_id, status=Match.Status.PENDING)
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=lease_start))
        .update(last_attempt_at=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return False
    match = Match.objects.select_related(
        "lead__practice_area",
        "lead__city__country",
        "lead__city__region",
        "lead__preferred_language",
        "firm",
        "office_city",
    ).get(pk=match_id)
    recipients = match_recipients(firm=match.firm, lead=match.lead)
    if not recipients:
        match_mark_failed(match_id=match_id, reason="The firm has no email address.")
        return False
    # The copy kept for the portal and the export is in the first readers' language. Readers of
    # other languages get their own message: should one of those fail after another was sent,
    # the retry sends the sent one again, the same price as the lease above.
    with translation.override(next(iter(recipients))):
        sent = sent_copy(match.lead)
    try:
        for language, addresses in recipients.items():
            with translation.override(language):
                emails.send(
                    to=addresses,
                    template="match_new",
                    context={
                        "match": match,
                        "lead": match.lead,
                        "firm": match.firm,
                        "summary": sent["sent_summary"],
                        "other_firms": settings.LEAD_FANOUT - 1,
                        "match_url": settings.SITE_URL
                        + reverse("portal:match", kwargs={"firm_slug": match.firm.slug, "public_id": match.public_id}),
                    },
                    language=language,
                )
    except emails.DeliveryError:
        # Release the lease so that the retry can claim the match straight away.
        Match.objects.filter(pk=match_id).update(last_attempt_at=None)
        raise
    # One transaction with the event: the webhook outbox rows commit with the status change.
    # No savepoint: nothing here recovers from a failure inside it, so it would only cost queries.
    with transaction.atomic(savepoint=False):
        delivered = Match.objects.filter(pk=match_id, status=Match.Status.PENDING).update(
            status=Match.Status.DELIVERED, delivered_at=timezone.now(), failure_reason="", **sent
        )
        if delivered:
            events.match_event.send(sender=Match, match=match, event=events.REQUEST_RECEIVED)
    return True


def sent_copy(lead: Lead) -> dict:
    """What a firm is given of a request before it accepts, as Match fields to store: the
    summary with contact details hidden and the details, in the words the firm reads them
    (the email's and the portal's). Stored at delivery, so the client's export says what was
    sent even after intake/redaction.py changes."""
    return {
        "sent_summary": redacted_summary(lead.description),
        "sent_fields": {
            "practice_area": lead.practice_area.name,
            "city": lead.city.display_name,
            "urgency": str(lead.get_urgency_display()),
            "budget": str(lead.get_budget_display()),
            "preferred_language": str(lead.preferred_language) if lead.preferred_language else None,
            "client_type": str(lead.get_client_type_display()),
        },
    }


# Composed once, like _LEAD_FOR_MATCHING: this runs for every delivery.
_MEMBER_RECIPIENTS = (
    Membership.objects.filter(receives_lead_emails=True, user__is_active=True)
    .exclude(user__email="")
    .order_by("user__email")
    .values_list("user__email", "user__language")
)


def match_recipients(*, firm: Firm, lead: Lead) -> dict[str, list[str]]:
    """Who hears about a new request, by the language each reads: the members who chose to
    (active users only), each in their own, or the firm's own address when nobody did. That
    address has no reader's language, and a firm that receives a request reads the language it
    is written in: the client's."""
    members = list(dict.fromkeys(_MEMBER_RECIPIENTS.filter(firm=firm)))
    if not members and firm.email:
        members = [(firm.email, lead.language)]
    return emails.group_by_language(members)


def match_mark_failed(*, match_id: int, reason: str) -> None:
    Match.objects.filter(pk=match_id, status=Match.Status.PENDING).update(
        status=Match.Status.FAILED, failure_reason=reason[:300]
    )
    logger.error("Match %s failed permanently: %s", match_id, reason)
