"""The lead's journey. The database is the truth; a task message is only a nudge, and every
step can run twice without harm (claims are conditional UPDATEs, matches are unique)."""

import hashlib
import json
import logging
import re
import statistics
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directory.models import City, Firm, Language, Membership, PracticeArea, ServiceFee
from lawzana import emails
from lawzana.queue import publish, publish_after_commit

from . import consent as consent_texts
from .matching import find_candidates
from .models import Consent, Lead, Match

logger = logging.getLogger(__name__)

CONFIRM_SALT = "intake.lead.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
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


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
SUMMARY_LENGTH = 400


def redacted_summary(text: str) -> str:
    """The description as a firm sees it before accepting: shortened, with anything that
    looks like an email address, phone number or link hidden (clients do type their phone
    number into descriptions)."""
    hidden = _URL.sub("[link hidden]", text)
    hidden = _EMAIL.sub("[email hidden]", hidden)
    hidden = _PHONE.sub("[number hidden]", hidden)
    return hidden if len(hidden) <= SUMMARY_LENGTH else hidden[: SUMMARY_LENGTH - 1].rstrip() + "…"


def hash_ip(ip: str) -> str:
    # Salted with the secret key: comparable for rate limits, useless to anyone who reads it.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest() if ip else ""


def dedupe_key(*, email: str, description: str) -> str:
    normalised = " ".join(description.split()).casefold()
    return hashlib.sha256(f"{email.strip().casefold()}\n{normalised}".encode()).hexdigest()


@transaction.atomic
def lead_submit(
    *,
    practice_area: PracticeArea,
    city: City,
    description: str,
    urgency: str,
    budget: str,
    preferred_language: Language | None,
    client_type: str,
    name: str,
    email: str,
    phone: str,
    consents: list[str],
    from_empty_state: bool = False,
    ip: str = "",
    user_agent: str = "",
) -> tuple[Lead, bool]:
    """Write a request and its consents in one transaction. Returns (lead, created): the same
    email and description within 24 hours return the earlier request instead of a new one."""
    if consent_texts.PROCESS not in consents:
        raise ValueError("A request needs the consent to process it.")
    key = dedupe_key(email=email, description=description)
    earlier = (
        Lead.objects.select_for_update()
        .filter(dedupe_key=key, created_at__gte=timezone.now() - timedelta(hours=24), erased_at__isnull=True)
        .first()
    )
    if earlier is not None:
        # The client may have lost the first email: send the links again, create nothing.

        publish_after_commit("intake.tasks.lead_send_confirmation", earlier.pk)
        return earlier, False
    ip_hash = hash_ip(ip)
    lead = Lead.objects.create(
        practice_area=practice_area,
        city=city,
        description=description,
        urgency=urgency,
        budget=budget,
        preferred_language=preferred_language,
        client_type=client_type,
        name=name,
        email=email,
        phone=phone,
        from_empty_state=from_empty_state,
        dedupe_key=key,
        ip_hash=ip_hash,
        status=Lead.Status.NEW if settings.LEAD_EMAIL_CONFIRMATION else Lead.Status.CONFIRMED,
        confirmed_at=None if settings.LEAD_EMAIL_CONFIRMATION else timezone.now(),
    )
    texts = consent_texts.consent_texts(fanout=settings.LEAD_FANOUT)
    Consent.objects.bulk_create(
        Consent(
            lead=lead,
            purpose=purpose,
            policy_version=consent_texts.POLICY_VERSION,
            text_digest=consent_texts.digest(texts[purpose]),
            locale=translation.get_language() or settings.LANGUAGE_CODE,
            ip_hash=ip_hash,
            user_agent=user_agent[:300],
        )
        for purpose in (consent_texts.PROCESS, consent_texts.SHARE)
        if purpose in consents
    )

    # Always email the private status link; it carries the confirmation link when needed.
    publish_after_commit("intake.tasks.lead_send_confirmation", lead.pk)
    if not settings.LEAD_EMAIL_CONFIRMATION:
        publish_after_commit("intake.tasks.lead_match", lead.pk)
    return lead, True


def confirmation_token(lead: Lead) -> str:
    return signing.dumps(lead.pk, salt=CONFIRM_SALT)


def lead_from_confirmation_token(token: str) -> Lead | None:
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return Lead.objects.filter(pk=pk).first()


def lead_send_confirmation(*, lead_id: int) -> bool:
    """Email the client their private status link, and the confirmation link while the
    request waits for it. Returns True if this call sent it.

    Sent under a row lock and recorded in the same transaction, like the acceptance notice:
    a repeated task waits for the first, then finds it sent and sends nothing; a lost one is
    re-published by the sweeper. It waits rather than skipping a locked row: matching locks
    the same row, and skipping left the client without their link until the sweeper ran.
    """
    with transaction.atomic():
        lead = (
            Lead.objects.select_for_update(of=("self",))
            .select_related("practice_area", "city")
            .filter(pk=lead_id, confirmation_sent_at__isnull=True)
            .first()
        )
        if lead is None or lead.is_erased or lead.status == Lead.Status.WITHDRAWN:
            return False
        confirm_url = None
        if lead.status == Lead.Status.NEW:
            confirm_url = settings.SITE_URL + reverse(
                "intake:lead_confirm", kwargs={"signed": confirmation_token(lead)}
            )
        context = {
            "lead": lead,
            "confirm_url": confirm_url,
            "status_url": settings.SITE_URL + lead.get_absolute_url(),
            "fanout": settings.LEAD_FANOUT,
        }
        emails.send(to=[lead.email], template="lead_confirm", context=context)
        Lead.objects.filter(pk=lead_id).update(confirmation_sent_at=timezone.now())
    return True


def lead_send_confirmation_failed(*, lead_id: int, reason: str) -> None:
    """The address refuses mail (a typo): stop trying; the client can send the form again."""
    Lead.objects.filter(pk=lead_id, confirmation_sent_at__isnull=True).update(confirmation_sent_at=timezone.now())
    logger.warning("Confirmation for lead %s not deliverable: %s", lead_id, reason)


@transaction.atomic
def lead_confirm(*, lead: Lead) -> bool:
    """Mark the client's email confirmed and start matching. Returns False if already done."""
    updated = Lead.objects.filter(pk=lead.pk, status=Lead.Status.NEW).update(
        status=Lead.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    if updated:
        publish_after_commit("intake.tasks.lead_match", lead.pk)
    return bool(updated)


# The request as lead_match reads it, locked. Composed once at import: building the two
# Exists subqueries took longer than PostgreSQL takes to answer them, and get() clones it.
_LEAD_FOR_MATCHING = (
    # of=("self",): lock only the lead; PostgreSQL refuses to lock the nullable side of
    # the outer join to preferred_language.
    Lead.objects.select_for_update(of=("self",))
    .select_related("city__region", "city__country", "practice_area", "preferred_language")
    .annotate(
        may_share=Exists(Consent.objects.filter(lead=OuterRef("pk"), purpose=Consent.Purpose.SHARE)),
        has_matches=Exists(Match.objects.filter(lead=OuterRef("pk"))),
    )
)


@transaction.atomic
def lead_match(*, lead_id: int) -> list[Match]:
    """Give the request to up to K firms in total (slots 1..K, re-routing included).

    Locks the lead row so two runs cannot pick slots at once; the unique (lead, slot) and
    (lead, firm) constraints back that up. Returns the matches created by this run.
    """
    lead = _LEAD_FOR_MATCHING.get(pk=lead_id)
    if lead.status not in (Lead.Status.CONFIRMED, Lead.Status.UNMATCHED, Lead.Status.MATCHED) or lead.is_erased:
        return []
    if not lead.may_share:
        return []  # never shared without the separate consent (PIPL Art. 23)
    # A first matching (the usual case) skips the query for earlier matches. has_matches comes
    # from the snapshot taken before the lock was granted, so it can miss matches a concurrent
    # run committed meanwhile; that run also set matched_at, which the locked row shows as
    # committed (PostgreSQL re-reads a row locked FOR UPDATE after waiting).
    if lead.has_matches or lead.matched_at is not None:
        existing = list(lead.matches.values_list("slot", "firm_id", "round"))
    else:
        existing = []
    used_slots = {slot for slot, _firm, _round in existing}
    free_slots = [slot for slot in range(1, settings.LEAD_FANOUT + 1) if slot not in used_slots]
    if not free_slots:
        return []
    round_number = 1 + max((round_ for _slot, _firm, round_ in existing), default=0)
    candidates = find_candidates(
        lead=lead, needed=len(free_slots), exclude_firm_ids=[firm for _slot, firm, _round in existing]
    )
    created = Match.objects.bulk_create(
        Match(
            lead=lead,
            firm=candidate.firm,
            slot=slot,
            round=round_number,
            score=candidate.score,
            reason=candidate.reason,
        )
        for slot, candidate in zip(free_slots, candidates, strict=False)
    )
    now = timezone.now()
    if created:
        Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.MATCHED, matched_at=now)

        for match in created:
            publish_after_commit("intake.tasks.match_deliver", match.pk)
    elif not existing:
        Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.UNMATCHED)
    return created


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
        "lead__practice_area", "lead__city__country", "lead__preferred_language", "firm"
    ).get(pk=match_id)
    recipients = match_recipients(firm=match.firm)
    if not recipients:
        match_mark_failed(match_id=match_id, reason="The firm has no email address.")
        return False
    try:
        emails.send(
            to=recipients,
            template="match_new",
            context={
                "match": match,
                "lead": match.lead,
                "firm": match.firm,
                "summary": redacted_summary(match.lead.description),
                "match_url": settings.SITE_URL
                + reverse("portal:match", kwargs={"firm_slug": match.firm.slug, "public_id": match.public_id}),
            },
        )
    except emails.DeliveryError:
        # Release the lease so that the retry can claim the match straight away.
        Match.objects.filter(pk=match_id).update(last_attempt_at=None)
        raise
    Match.objects.filter(pk=match_id, status=Match.Status.PENDING).update(
        status=Match.Status.DELIVERED, delivered_at=timezone.now(), failure_reason=""
    )
    return True


# Composed once, like _LEAD_FOR_MATCHING: this runs for every delivery.
_MEMBER_RECIPIENTS = (
    Membership.objects.filter(receives_lead_emails=True, user__is_active=True)
    .exclude(user__email="")
    .order_by("user__email")
    .values_list("user__email", flat=True)
)


def match_recipients(*, firm: Firm) -> list[str]:
    """Who hears about a new request: the members who chose to (active users only), or the
    firm's own address when nobody did."""
    recipients = list(dict.fromkeys(_MEMBER_RECIPIENTS.filter(firm=firm)))
    if not recipients and firm.email:
        recipients = [firm.email]
    return recipients


def match_mark_failed(*, match_id: int, reason: str) -> None:
    Match.objects.filter(pk=match_id, status=Match.Status.PENDING).update(
        status=Match.Status.FAILED, failure_reason=reason[:300]
    )
    logger.error("Match %s failed permanently: %s", match_id, reason)


def match_release_contact(*, lead: Lead, match_id: int) -> Match | None:
    """The client gives their name, email and phone to one firm that accepted."""
    updated = Match.objects.filter(
        pk=match_id, lead=lead, status=Match.Status.ACCEPTED, contact_released_at__isnull=True
    ).update(contact_released_at=timezone.now())
    return Match.objects.filter(pk=match_id, lead=lead).first() if updated else None


@transaction.atomic
def lead_withdraw(*, lead: Lead) -> bool:
    """The client withdraws: open matches are cancelled, firms that received the request are
    told, and the personal data is erased at once. Returns False if already withdrawn."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == Lead.Status.WITHDRAWN:
        return False
    # Every firm that received the request is told, whatever it answered, so it can delete it.
    told = list(lead.matches.filter(delivered_at__isnull=False).exclude(status=Match.Status.CANCELLED))
    lead.matches.filter(status__in=[*Match.OPEN_STATUSES, Match.Status.ACCEPTED]).update(status=Match.Status.CANCELLED)
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.WITHDRAWN, withdrawn_at=timezone.now())

    for match in told:
        publish_after_commit("intake.tasks.match_notify_withdrawn", match.pk)
    lead_erase(lead=lead)
    return True


def match_notify_withdrawn(*, match_id: int) -> None:
    match = Match.objects.select_related("firm", "lead__practice_area", "lead__city").get(pk=match_id)
    if match.firm.email:
        emails.send(to=[match.firm.email], template="match_withdrawn", context={"match": match, "lead": match.lead})


def lead_erase(*, lead: Lead) -> None:
    """Erase the client's personal data, keeping the anonymous figures (area, city, dates,
    statuses). Consents keep their version and digest but lose the IP hash and user agent."""
    Lead.objects.filter(pk=lead.pk).update(
        name=ERASED,
        email="erased@invalid",
        phone="",
        description=ERASED,
        ip_hash="",
        dedupe_key="",
        erased_at=timezone.now(),
    )
    Consent.objects.filter(lead=lead).update(ip_hash="", user_agent="")


def lead_export(*, lead: Lead) -> str:
    """Everything Lawzana holds about this request, as JSON (PIPL Art. 45, GDPR Art. 15/20)."""
    lead = Lead.objects.select_related("practice_area", "city__country", "preferred_language").get(pk=lead.pk)
    data = {
        "request": {
            "created_at": lead.created_at.isoformat(),
            "status": lead.status,
            "practice_area": lead.practice_area.name,
            "city": lead.city.display_name,
            "description": lead.description,
            "urgency": lead.urgency,
            "budget": lead.budget,
            "preferred_language": lead.preferred_language.name if lead.preferred_language else None,
            "client_type": lead.client_type,
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            "confirmed_at": lead.confirmed_at.isoformat() if lead.confirmed_at else None,
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
        "firms": [
            {
                "firm": m.firm.name,
                "status": m.status,
                "received_at": m.delivered_at.isoformat() if m.delivered_at else None,
                # What reached the firm before any release of contact details.
                "data_received": RECEIVED_BY_FIRMS if m.delivered_at else [],
                "contact_details_released_at": m.contact_released_at.isoformat() if m.contact_released_at else None,
            }
            for m in lead.matches.select_related("firm")
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


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
    expired = expiring.update(status=Match.Status.EXPIRED)
    for lead_id in lead_ids:
        lead_match(lead_id=lead_id)
    if firm_ids:
        # An unanswered request lowers the firm's answered share.
        firms_response_refresh(firm_ids=firm_ids)
    return expired


def leads_expire() -> int:
    cutoff = timezone.now() - timedelta(days=settings.LEAD_EXPIRY_DAYS)
    old = Lead.objects.filter(
        created_at__lt=cutoff,
        status__in=[Lead.Status.NEW, Lead.Status.CONFIRMED, Lead.Status.MATCHED, Lead.Status.UNMATCHED],
    )
    expiring = Match.objects.filter(lead__in=old, status__in=Match.OPEN_STATUSES)
    firm_ids = set(expiring.filter(delivered_at__isnull=False).values_list("firm_id", flat=True))
    expiring.update(status=Match.Status.EXPIRED)
    if firm_ids:
        firms_response_refresh(firm_ids=firm_ids)
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


# --- The firm answers (the portal's request inbox) ---------------------------------------

# What a firm may still answer: what it was sent and has not answered. A pending or failed
# match counts too: the portal shows it even when the email never arrived.
FIRM_ANSWERABLE_STATUSES = (*Match.ANSWERABLE_STATUSES, Match.Status.PENDING, Match.Status.FAILED)
# What a firm no longer sees at all: it said no, or the client withdrew (RELIABILITY A5).
FIRM_HIDDEN_STATUSES = (Match.Status.DECLINED, Match.Status.RETURNED, Match.Status.CANCELLED)
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
    firms_response_refresh(firm_ids=[match.firm_id])


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
        emails.send(
            to=[lead.email],
            template="match_accepted",
            context={
                "match": match,
                "lead": lead,
                "firm": match.firm,
                "status_url": settings.SITE_URL + lead.get_absolute_url(),
            },
        )
        Match.objects.filter(pk=match_id).update(client_notified_at=timezone.now())
    return True


def match_notify_accepted_failed(*, match_id: int, reason: str) -> None:
    """The client's address refuses mail: stop trying (their status page shows the answer)."""
    Match.objects.filter(pk=match_id, client_notified_at__isnull=True).update(client_notified_at=timezone.now())
    logger.warning("Acceptance notice for match %s not deliverable: %s", match_id, reason)


# --- Response figures (the ranking's response term) ----------------------------------------

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
    from directory.services import firms_refresh

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
