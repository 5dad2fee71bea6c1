"""A request arrives: the form's data and consents stored in one transaction, the client's
status (and confirmation) link emailed, and matching started once the address is confirmed."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import City, Firm, Language, PracticeArea
from lawzana import emails, privacy
from lawzana.queue import publish_after_commit

from ..models import Consent, Lead, new_token

logger = logging.getLogger(__name__)

CONFIRM_SALT = "intake.lead.confirm"

CONFIRM_MAX_AGE = 7 * 24 * 3600


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
    other_party: str = "",
    from_empty_state: bool = False,
    requested_firm: Firm | None = None,
    requested_firm_only: bool = False,
    ip: str = "",
    user_agent: str = "",
) -> tuple[Lead, bool]:
    """Write a request and its consents in one transaction. Returns (lead, created): the same
    email and description within 24 hours return the earlier request instead of a new one."""
    if privacy.PROCESS not in consents:
        raise ValueError("A request needs the consent to process it.")
    if requested_firm_only and requested_firm is None:
        raise ValueError("A request for one firm only needs that firm.")
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
        other_party=other_party,
        from_empty_state=from_empty_state,
        requested_firm=requested_firm,
        requested_firm_only=requested_firm_only,
        dedupe_key=key,
        ip_hash=ip_hash,
        status=Lead.Status.NEW if settings.LEAD_EMAIL_CONFIRMATION else Lead.Status.CONFIRMED,
        confirmed_at=None if settings.LEAD_EMAIL_CONFIRMATION else timezone.now(),
        language=_known_language(translation.get_language()),
    )
    texts = privacy.consent_texts(fanout=settings.LEAD_FANOUT)
    Consent.objects.bulk_create(
        Consent(
            lead=lead,
            purpose=purpose,
            policy_version=privacy.POLICY_VERSION,
            text_digest=privacy.digest(texts[purpose]),
            locale=translation.get_language() or settings.LANGUAGE_CODE,
            ip_hash=ip_hash,
            user_agent=user_agent[:300],
        )
        for purpose in (privacy.PROCESS, privacy.SHARE)
        if purpose in consents
    )

    # Always email the private status link; it carries the confirmation link when needed.
    publish_after_commit("intake.tasks.lead_send_confirmation", lead.pk)
    if not settings.LEAD_EMAIL_CONFIRMATION:
        publish_after_commit("intake.tasks.lead_match", lead.pk)
    return lead, True


def _known_language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:16]


def confirmation_token(lead: Lead) -> str:
    # The address is part of the link: once the client corrects a mistyped one, the link that
    # went to the wrong person stops confirming.
    return signing.dumps([lead.pk, _address_digest(lead.email)], salt=CONFIRM_SALT)


def lead_from_confirmation_token(token: str) -> Lead | None:
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if isinstance(value, int):  # a link sent before the address was part of it
        return Lead.objects.filter(pk=value).first()
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        return None
    lead = Lead.objects.filter(pk=value[0]).first()
    return lead if lead is not None and _address_digest(lead.email) == value[1] else None


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
        # The links lead to the pages in the client's language (reverse() under it).
        with translation.override(lead.language):
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
            emails.send(to=[lead.email], template="lead_confirm", context=context, language=lead.language)
        Lead.objects.filter(pk=lead_id).update(confirmation_sent_at=timezone.now())
    return True


def lead_resend_confirmation(*, lead: Lead) -> bool:
    """Send the client's links again (the first email went to spam, or never came). Returns
    False for a request that was withdrawn or erased meanwhile."""
    updated = (
        Lead.objects.filter(pk=lead.pk, erased_at__isnull=True)
        .exclude(status=Lead.Status.WITHDRAWN)
        .update(confirmation_sent_at=None)
    )
    if updated:
        publish_after_commit("intake.tasks.lead_send_confirmation", lead.pk)
    return bool(updated)


@transaction.atomic
def lead_correct_email(*, lead: Lead, email: str) -> bool:
    """The client mistyped their address: while the request waits for its confirmation, send
    the links to the right one. The request's private address changes too, since the page it
    names went to whoever owns the mistyped address. Returns False once it is confirmed (or
    withdrawn, or erased): then the address is final."""
    locked = (
        Lead.objects.select_for_update().filter(pk=lead.pk, status=Lead.Status.NEW, erased_at__isnull=True).first()
    )
    if locked is None:
        return False
    Lead.objects.filter(pk=lead.pk).update(
        email=email,
        dedupe_key=dedupe_key(email=email, description=locked.description),
        token=new_token(),
        confirmation_sent_at=None,
    )
    publish_after_commit("intake.tasks.lead_send_confirmation", lead.pk)
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
