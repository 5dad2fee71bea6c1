"""What the client does from their private status page: release their contact details to a
firm that accepted, withdraw the request, download what Lawzana holds; and erasure."""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from lawzana import emails
from lawzana.queue import publish_after_commit

from .. import events
from ..models import Consent, Lead, Match
from .delivery import match_recipients

logger = logging.getLogger(__name__)

ERASED = "[erased]"

RECEIVED_BY_FIRMS = [
    "practice area",
    "city",
    "summary of the description",
    "urgency",
    "budget",
    "language",
    "client type",
]


def match_release_contact(*, lead: Lead, match_id: int) -> Match | None:
    """The client gives their name, email and phone to one firm that accepted. The details are
    kept on the match as given (the export lists them) and emailed to the firm from there."""
    # One transaction with the event, so the webhook outbox rows commit with the release.
    with transaction.atomic():
        updated = Match.objects.filter(
            pk=match_id, lead=lead, status=Match.Status.ACCEPTED, contact_released_at__isnull=True
        ).update(
            contact_released_at=timezone.now(),
            sent_contact={"name": lead.name, "email": lead.email, "phone": lead.phone},
        )
        if not updated:
            return None
        match = Match.objects.filter(pk=match_id, lead=lead).first()
        events.match_event.send(sender=Match, match=match, event=events.CONTACT_RELEASED)
        publish_after_commit("intake.tasks.match_send_contact", match_id)
    return match


def match_send_contact(*, match_id: int) -> bool:
    """Email the firm the contact details the client released to it, with the link to the
    match in its portal. Returns True if this call sent it.

    As answers.match_notify_accepted: the match row stays locked while sending and
    contact_sent_at is set in the same transaction, so a second task (the sweeper's re-send)
    waits and then finds it sent, and a crash before the commit leaves it to the sweeper.
    """
    with transaction.atomic():
        match = (
            Match.objects.select_for_update(of=("self",))
            .select_related("firm", "lead__practice_area", "lead__city")
            .filter(
                pk=match_id,
                status=Match.Status.ACCEPTED,
                contact_released_at__isnull=False,
                contact_sent_at__isnull=True,
                sent_contact__isnull=False,
            )
            .first()
        )
        if match is None:
            return False
        lead = match.lead
        if lead.is_erased or lead.status == Lead.Status.WITHDRAWN:
            return False
        recipients = match_recipients(firm=match.firm, lead=lead)
        if not recipients:
            match_send_contact_failed(match_id=match_id, reason="The firm has no email address.")
            return False
        for language, addresses in recipients.items():
            with translation.override(language):
                emails.send(
                    to=addresses,
                    template="match_contact",
                    context={
                        "match": match,
                        "lead": lead,
                        "firm": match.firm,
                        "contact": match.sent_contact,
                        "match_url": settings.SITE_URL
                        + reverse("portal:match", kwargs={"firm_slug": match.firm.slug, "public_id": match.public_id}),
                    },
                    language=language,
                )
        Match.objects.filter(pk=match_id).update(contact_sent_at=timezone.now())
    return True


def match_send_contact_failed(*, match_id: int, reason: str) -> None:
    """The firm's address refuses mail (or it has none): stop trying. Its portal shows the
    details. The reason names no client data: the log never holds it."""
    Match.objects.filter(pk=match_id, contact_sent_at__isnull=True).update(contact_sent_at=timezone.now())
    logger.warning("Contact details for match %s not deliverable: %s", match_id, reason)


# Where a request for one firm only may still reach others: confirmed, and not ended.
WIDENABLE_STATUSES = (Lead.Status.CONFIRMED, Lead.Status.MATCHED, Lead.Status.UNMATCHED)


def lead_widen(*, lead: Lead) -> bool:
    """The client, who had sent their request to one firm only, lets suitable firms receive it
    too: matching fills the free places (intake/services/routing.py). Returns False when there
    was nothing to change (already widened, withdrawn, erased or not yet confirmed)."""
    widened = Lead.objects.filter(
        pk=lead.pk, requested_firm_only=True, status__in=WIDENABLE_STATUSES, erased_at__isnull=True
    ).update(requested_firm_only=False)
    if widened:
        publish_after_commit("intake.tasks.lead_match", lead.pk)
    return bool(widened)


@transaction.atomic
def lead_withdraw(*, lead: Lead) -> bool:
    """The client withdraws: open matches are cancelled, firms that received the request are
    told, and the personal data is erased at once. Returns False if already withdrawn."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == Lead.Status.WITHDRAWN:
        return False
    # Every firm that received the request is told, whatever it answered, so it can delete it.
    told = list(lead.matches.filter(delivered_at__isnull=False).exclude(status=Match.Status.CANCELLED))
    cancelled = [*Match.OPEN_STATUSES, Match.Status.ACCEPTED]
    lead.matches.filter(status__in=cancelled).update(status=Match.Status.CANCELLED)
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.WITHDRAWN, withdrawn_at=timezone.now())
    # Webhooks only for what the firm still held open: a declined or returned request is
    # already gone from its systems. Sent before the erasure below, which also reaches them.
    for match in told:
        if match.status in cancelled:
            events.match_event.send(sender=Match, match=match, event=events.REQUEST_WITHDRAWN)

    for match in told:
        publish_after_commit("intake.tasks.match_notify_withdrawn", match.pk)
    lead_erase(lead=lead)
    return True


def match_notify_withdrawn(*, match_id: int) -> None:
    match = Match.objects.select_related("firm", "lead__practice_area", "lead__city").get(pk=match_id)
    if match.firm.email:
        # The firm's own address has no reader's language of its own: the request was written
        # in the client's, so a firm that received it reads that language (delivery.py).
        emails.send(
            to=[match.firm.email],
            template="match_withdrawn",
            context={"match": match, "lead": match.lead},
            language=match.lead.language,
        )


def lead_erase(*, lead: Lead) -> None:
    """Erase the client's personal data, keeping the anonymous figures (area, city, dates,
    statuses). Consents keep their version and digest but lose the IP hash and user agent;
    matches lose their copies of what the firm was sent."""
    Lead.objects.filter(pk=lead.pk).update(
        name=ERASED,
        email="erased@invalid",
        phone="",
        description=ERASED,
        other_party="",
        ip_hash="",
        dedupe_key="",
        erased_at=timezone.now(),
    )
    Consent.objects.filter(lead=lead).update(ip_hash="", user_agent="")
    # The copies of what each firm was sent hold the same data.
    Match.objects.filter(lead=lead).update(sent_summary="", sent_fields=None, sent_contact=None)
    events.lead_erased.send(sender=Lead, lead=lead)


def lead_export(*, lead: Lead) -> str:
    """Everything Lawzana holds about this request, as JSON (PIPL Art. 45, GDPR Art. 15/20)."""
    lead = Lead.objects.select_related("practice_area", "city__country", "preferred_language", "requested_firm").get(
        pk=lead.pk
    )
    data = {
        "request": {
            "created_at": lead.created_at.isoformat(),
            "status": lead.status,
            "practice_area": lead.practice_area.name,
            "city": lead.city.display_name,
            "description": lead.description,
            "urgency": lead.urgency,
            "budget": lead.budget,
            "preferred_language": str(lead.preferred_language) if lead.preferred_language else None,
            "client_type": lead.client_type,
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            "other_party": lead.other_party,
            "confirmed_at": lead.confirmed_at.isoformat() if lead.confirmed_at else None,
            "firm_chosen": lead.requested_firm.name if lead.requested_firm else None,
            "to_that_firm_only": lead.requested_firm_only,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "policy_version": c.policy_version,
                "text_sha256": c.text_digest,
                "given_at": c.given_at.isoformat(),
            }
            for c in lead.consents.all()
        ],
        "firms": [_firm_received(m) for m in lead.matches.select_related("firm", "office_city")],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _firm_received(match: Match) -> dict:
    """One firm's part of the export: the copies stored when it was sent the request and the
    contact details, so the export says what went out even after the redaction rules change."""
    received = None
    if match.sent_fields is not None:
        received = {**match.sent_fields, "summary": match.sent_summary}
    return {
        "firm": match.firm.name,
        "office_city": match.office_city.name if match.office_city else None,
        "found_in": match.scope or None,
        "status": match.status,
        "received_at": _when(match.delivered_at),
        # The kinds of data that reached the firm before any release of contact details.
        "data_received": RECEIVED_BY_FIRMS if match.delivered_at else [],
        "request_as_sent": received,
        "contact_details_released_at": _when(match.contact_released_at),
        "contact_details_sent": match.sent_contact,
        "contact_details_emailed_at": _when(match.contact_sent_at),
    }
