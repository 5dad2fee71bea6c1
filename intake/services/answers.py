"""What a firm does with a request in the portal's inbox: open, accept (with a message and a
quote), decline or return it; and the client's email when a firm accepts."""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directory.models import ServiceFee
from lawzana import emails
from lawzana.queue import publish_after_commit

from .. import events
from ..models import Lead, Match
from .delivery import sent_copy
from .response import response_figures_due

logger = logging.getLogger(__name__)

# What a firm may still answer: what it was sent and has not answered. A pending or failed
# match counts too: the portal shows it even when the email never arrived.
FIRM_ANSWERABLE_STATUSES = (*Match.ANSWERABLE_STATUSES, Match.Status.PENDING, Match.Status.FAILED)

# What a firm no longer sees at all: it said no, or the client withdrew (docs/reliability.md A5).
FIRM_HIDDEN_STATUSES = (Match.Status.DECLINED, Match.Status.RETURNED, Match.Status.CANCELLED)

# What the firm calls each status, in the portal's inbox and the API: "new" is whatever reached
# the firm and was not opened yet, delivered by email or not; "withdrawn" the client withdrew.
S = Match.Status
FIRM_STATUS_GROUPS = {
    "new": (S.PENDING, S.DELIVERED, S.FAILED),
    "viewed": (S.VIEWED,),
    "accepted": (S.ACCEPTED,),
    "declined": (S.DECLINED,),
    "expired": (S.EXPIRED,),
    "returned": (S.RETURNED,),
    "withdrawn": (S.CANCELLED,),
}
FIRM_GROUP_OF_STATUS = {status: group for group, statuses in FIRM_STATUS_GROUPS.items() for status in statuses}

MESSAGE_MIN_LENGTH = 20

MESSAGE_MAX_LENGTH = 2000

NOTE_MAX_LENGTH = 2000


class MatchAnswerError(Exception):
    """The match's state refuses the answer; the message is shown to the firm's user."""


def match_is_visible_to_firm(match: Match) -> bool:
    """Whether the firm may open the match (its lead loaded): not after it declined or
    returned it, nor once the client withdrew or the personal data was erased."""
    lead = match.lead
    return match.status not in FIRM_HIDDEN_STATUSES and not lead.is_erased and lead.status != Lead.Status.WITHDRAWN


def match_answer_refusal(match: Match) -> str | None:
    """Why the firm cannot answer this match now (its lead loaded), or None if it can."""
    lead = match.lead
    if match.status == Match.Status.CANCELLED or lead.status == Lead.Status.WITHDRAWN:
        return _("The client withdrew this request; it can no longer be answered.")
    if lead.is_erased:
        return _("This request was erased; it can no longer be answered.")
    refusals = {
        Match.Status.ACCEPTED: _("This request was already accepted."),
        Match.Status.DECLINED: _("This request was already declined."),
        Match.Status.RETURNED: _("This request was already returned."),
        Match.Status.EXPIRED: _("This request expired; it can no longer be answered."),
    }
    if match.status in refusals:
        return refusals[match.status]
    if match.status not in FIRM_ANSWERABLE_STATUSES or lead.status not in (Lead.Status.CONFIRMED, Lead.Status.MATCHED):
        return _("This request is closed; it can no longer be answered.")
    return None


def quote_errors(
    *, fee_model: str, amount_min: Decimal | None, amount_max: Decimal | None, currency: str, covers: str = ""
) -> dict[str, str]:
    """What is wrong with a quote, by field (empty when it is consistent). No fee model and
    nothing else filled in means no quote."""
    errors = {}
    if not fee_model:
        if amount_min is not None or amount_max is not None or currency or covers:
            errors["fee_model"] = _("Choose a fee model for your quote, or leave the quote empty.")
        return errors
    if fee_model not in ServiceFee.Model.values:
        errors["fee_model"] = _("Choose one of the fee models.")
        return errors
    for name, amount in (("amount_min", amount_min), ("amount_max", amount_max)):
        if amount is not None and amount <= 0:
            errors[name] = _("An amount must be more than zero.")
    if fee_model == ServiceFee.Model.ON_REQUEST:
        if amount_min is not None or amount_max is not None:
            errors["amount_min"] = _("A fee “on request” takes no amount: leave the amounts empty.")
        return errors
    if amount_min is None:
        errors.setdefault("amount_min", _("Give the amount of your quote."))
    if fee_model == ServiceFee.Model.RANGE and amount_max is None:
        errors.setdefault("amount_max", _("A range needs a “to” amount."))
    if amount_min is not None and amount_max is not None and amount_max < amount_min:
        errors.setdefault("amount_max", _("The “to” amount cannot be less than the “from” amount."))
    if currency not in ServiceFee.Currency.values:
        errors["currency"] = _("Choose the currency of the amount.")
    return errors


def _match_for_answer(match_id: int) -> Match:
    """Lock the match for an answer, or raise MatchAnswerError saying why it cannot be answered."""
    # of=("self",): lock the match only; the lead is read for its state.
    match = Match.objects.select_for_update(of=("self",)).select_related("lead").get(pk=match_id)
    refusal = match_answer_refusal(match)
    if refusal is not None:
        raise MatchAnswerError(refusal)
    return match


def _record_answer(match: Match, *, status: str, user, message: str, **fields) -> None:
    now = timezone.now()
    match.status = status
    match.responded_at = now
    match.responded_by = user
    match.firm_message = message
    # Opened in the portal without the email arriving: it reached the firm now.
    match.delivered_at = match.delivered_at or now
    match.viewed_at = match.viewed_at or now
    match.failure_reason = ""
    for name, value in fields.items():
        setattr(match, name, value)
    match.save(
        update_fields=[
            "status",
            "responded_at",
            "responded_by",
            "firm_message",
            "delivered_at",
            "viewed_at",
            "failure_reason",
            *fields,
        ]
    )
    # Recomputed on the schedule, not now: an answer retires no public page by itself.
    response_figures_due(firm_ids=[match.firm_id])


@transaction.atomic
def match_accept(*, match_id: int, user, message: str, quote: dict | None = None) -> Match:
    """The firm takes the request, with a message and optionally a quote. The client is
    emailed; their name and contact details stay hidden until they release them."""
    message = (message or "").strip()
    if not MESSAGE_MIN_LENGTH <= len(message) <= MESSAGE_MAX_LENGTH:
        raise ValueError(f"The message must be {MESSAGE_MIN_LENGTH} to {MESSAGE_MAX_LENGTH} characters.")
    quote = quote or {}
    quote = {
        "fee_model": quote.get("fee_model") or "",
        "amount_min": quote.get("amount_min"),
        "amount_max": quote.get("amount_max"),
        "currency": quote.get("currency") or "",
        "covers": (quote.get("covers") or "").strip(),
    }
    if errors := quote_errors(**quote):
        raise ValueError(f"Inconsistent quote: {errors}")
    if quote["fee_model"] == ServiceFee.Model.ON_REQUEST:
        quote["currency"] = ""
    match = _match_for_answer(match_id)
    _record_answer(
        match,
        status=Match.Status.ACCEPTED,
        user=user,
        message=message,
        quote_fee_model=quote["fee_model"],
        quote_amount_min=quote["amount_min"],
        quote_amount_max=quote["amount_max"],
        quote_currency=quote["currency"],
        quote_covers=quote["covers"][:300],
    )
    events.match_event.send(sender=Match, match=match, event=events.REQUEST_ACCEPTED)
    publish_after_commit("intake.tasks.match_notify_accepted", match.pk)
    return match


@transaction.atomic
def match_decline(*, match_id: int, user, reason: str, note: str = "") -> Match:
    """The firm says no, with a reason (kept for figures, not shown to the client)."""
    if reason not in Match.DeclineReason.values:
        raise ValueError(f"Unknown decline reason: {reason!r}")
    match = _match_for_answer(match_id)
    _record_answer(
        match,
        status=Match.Status.DECLINED,
        user=user,
        message=(note or "").strip()[:NOTE_MAX_LENGTH],
        decline_reason=reason,
    )
    return match


@transaction.atomic
def match_return(*, match_id: int, user, reason: str, note: str = "") -> Match:
    """The firm hands the request back: spam, not a legal matter, or not for this firm.
    Operators count returns by reason (intake/admin.py)."""
    if reason not in Match.ReturnReason.values:
        raise ValueError(f"Unknown return reason: {reason!r}")
    match = _match_for_answer(match_id)
    _record_answer(
        match,
        status=Match.Status.RETURNED,
        user=user,
        message=(note or "").strip()[:NOTE_MAX_LENGTH],
        return_reason=reason,
    )
    return match


def match_mark_viewed(*, match_id: int) -> bool:
    """The firm opened the match: the first time records when. A pending or failed match
    reached the firm through the portal, so it counts as delivered now. Returns True if
    this call changed anything."""
    now = timezone.now()
    # Conditional UPDATEs: two tabs opening it at once record one first view.
    first_view = Match.objects.filter(pk=match_id, viewed_at__isnull=True).update(viewed_at=now)
    opened = Match.objects.filter(
        pk=match_id, status__in=[Match.Status.PENDING, Match.Status.DELIVERED, Match.Status.FAILED]
    ).update(status=Match.Status.VIEWED, delivered_at=Coalesce(F("delivered_at"), Value(now)), failure_reason="")
    if opened:
        # Reached through the portal before any email: record what it was shown, as delivery does.
        unrecorded = (
            Match.objects.filter(pk=match_id, sent_fields__isnull=True)
            .select_related("lead__practice_area", "lead__city__country", "lead__preferred_language")
            .first()
        )
        if unrecorded is not None:
            Match.objects.filter(pk=match_id, sent_fields__isnull=True).update(**sent_copy(unrecorded.lead))
    return bool(first_view or opened)


def match_notify_accepted(*, match_id: int) -> bool:
    """Tell the client a firm accepted: its name, message and quote, and the link to the page
    where they decide whether to give that firm their contact details. Returns True if this
    call sent it.

    The match row stays locked while sending, so a second task for the same match (the
    sweeper's re-send) waits, then finds it sent; client_notified_at is set in the same
    transaction, so a crash before the commit leaves the notice to the sweeper rather than
    losing it. Waiting, not skipping: other work locks the match row for a moment too.
    """
    with transaction.atomic():
        match = (
            Match.objects.select_for_update(of=("self",))
            .select_related("firm", "lead__practice_area", "lead__city")
            .filter(pk=match_id, status=Match.Status.ACCEPTED, client_notified_at__isnull=True)
            .first()
        )
        if match is None:
            return False
        lead = match.lead
        if lead.is_erased or lead.status == Lead.Status.WITHDRAWN:
            return False
        with translation.override(lead.language):
            emails.send(
                to=[lead.email],
                template="match_accepted",
                context={
                    "match": match,
                    "lead": lead,
                    "firm": match.firm,
                    "status_url": settings.SITE_URL + lead.get_absolute_url(),
                },
                language=lead.language,
            )
        Match.objects.filter(pk=match_id).update(client_notified_at=timezone.now())
    return True


def match_notify_accepted_failed(*, match_id: int, reason: str) -> None:
    """The client's address refuses mail: stop trying (their status page shows the answer)."""
    Match.objects.filter(pk=match_id, client_notified_at__isnull=True).update(client_notified_at=timezone.now())
    logger.warning("Acceptance notice for match %s not deliverable: %s", match_id, reason)
