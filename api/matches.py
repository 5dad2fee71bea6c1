"""What a firm's own systems may read of its requests: exactly what its portal shows
(portal/views/requests.py, docs/reliability.md A5), built in one place for the API and the
inbox's CSV export."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Greatest

from directory.models import Firm
from intake import redaction
from intake.models import Match
from intake.services import answers
from intake.services.delivery import sent_copy


def firm_matches(firm: Firm) -> QuerySet:
    """The firm's matches, newest first, with what a firm's view of one reads."""
    created = F("created_at")
    return (
        Match.objects.filter(firm=firm)
        .select_related("lead__practice_area", "lead__city__country", "lead__preferred_language")
        # A match has no "modified" column: its recorded moments stand for it.
        .annotate(
            updated_at=Greatest(
                created,
                Coalesce("delivered_at", created),
                Coalesce("viewed_at", created),
                Coalesce("responded_at", created),
                Coalesce("expired_at", created),
                Coalesce("contact_released_at", created),
                Coalesce("lead__withdrawn_at", created),
                Coalesce("lead__erased_at", created),
            )
        )
        .order_by("-created_at", "-pk")
    )


def is_released(match: Match) -> bool:
    """The client gave this firm their contact details (the portal's rule: accepted, released)."""
    return match.status == Match.Status.ACCEPTED and match.contact_released_at is not None


def contact(match: Match) -> dict | None:
    if not is_released(match) or not answers.match_is_visible_to_firm(match):
        return None
    lead = match.lead
    # As released (intake.services.client_actions.match_release_contact); the lead's own
    # fields for a release recorded before that copy was kept.
    given = match.sent_contact or {"name": lead.name, "email": lead.email, "phone": lead.phone}
    return {key: given.get(key) or "" for key in ("name", "email", "phone")}


def quote(match: Match) -> dict | None:
    if not match.has_quote:
        return None
    return {
        "fee_model": match.quote_fee_model,
        "amount_min": None if match.quote_amount_min is None else str(match.quote_amount_min),
        "amount_max": None if match.quote_amount_max is None else str(match.quote_amount_max),
        "currency": match.quote_currency,
        "covers": match.quote_covers,
    }


def _answer_by(match: Match):
    if answers.match_answer_refusal(match) is not None or match.delivered_at is None:
        return None
    return match.delivered_at + timedelta(hours=settings.LEAD_RESPONSE_WINDOW_HOURS)


def match_data(match: Match) -> dict:
    """One match as the firm's portal shows it (its lead loaded, from firm_matches)."""
    lead = match.lead
    visible = answers.match_is_visible_to_firm(match)
    accepted = match.status == Match.Status.ACCEPTED
    data = {
        "public_id": match.public_id,
        "status": answers.FIRM_GROUP_OF_STATUS[match.status],
        "available": visible,
        "practice_area": lead.practice_area.name,
        "city": lead.city.name,
        "received_at": match.created_at,
        "delivered_at": match.delivered_at,
        "viewed_at": match.viewed_at,
        "answered_at": match.responded_at,
        "answer_by": None,
        "expired_at": match.expired_at,
        "contact_released_at": match.contact_released_at,
        "updated_at": getattr(match, "updated_at", None) or match.created_at,
        "summary": None,
        "details": None,
        "description": None,
        "answer": None,
        "contact": None,
    }
    if not visible:
        # The inbox's row for it: no text of the request, nothing the firm said (A5).
        return data
    # What the firm was sent, or for a match not delivered yet (the portal shows those too),
    # the same copy made now.
    copy = {"sent_summary": match.sent_summary, "sent_fields": match.sent_fields}
    if match.sent_fields is None:
        copy = sent_copy(lead)
    data.update(summary=copy["sent_summary"], details=copy["sent_fields"], answer_by=_answer_by(match))
    if accepted:
        released = is_released(match)
        data.update(
            description=lead.description if released else redaction.redact_contacts(lead.description),
            answer={"message": match.firm_message, "quote": quote(match)},
            contact=contact(match),
        )
    return data
