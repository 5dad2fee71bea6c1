"""Webhooks: the firm's endpoints, the outbox of deliveries written with each event, and
sending them (signed, retried with backoff, logged per attempt)."""

import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Firm
from intake import events
from intake.models import Lead, Match
from lawzana.queue import publish, publish_after_commit

from . import safety, signing, transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, new_secret

logger = logging.getLogger(__name__)

PING = "ping"
EVENTS = (events.REQUEST_RECEIVED, events.REQUEST_ACCEPTED, events.CONTACT_RELEASED, events.REQUEST_WITHDRAWN)
ERROR_MAX_LENGTH = 300


def user_agent() -> str:
    # Names the site that sends, so a receiver's operator who sees it in a log knows whom to ask.
    return f"Lawzana-Webhooks/1.0 (+{settings.SITE_URL}/)"


class WebhookError(Exception):
    """The change is refused; the message is shown to the firm's user."""


# --- The firm's endpoints ---------------------------------------------------------------------


def endpoint_create(*, firm: Firm, url: str, user) -> WebhookEndpoint:
    """Add an endpoint (the URL already checked by the form; checked again here for callers
    without one). The secret is on the returned object: show it once."""
    try:
        safety.resolve(url)
    except safety.UnsafeURL as exc:
        raise WebhookError(str(exc)) from exc
    with transaction.atomic():
        # Lock the firm so that two owners adding at once cannot pass the limit together.
        Firm.objects.select_for_update().filter(pk=firm.pk).first()
        if WebhookEndpoint.objects.filter(firm=firm).count() >= settings.WEBHOOKS_MAX_ENDPOINTS_PER_FIRM:
            raise WebhookError(
                _("A firm can have at most %(count)d webhook endpoints: delete one first.")
                % {"count": settings.WEBHOOKS_MAX_ENDPOINTS_PER_FIRM}
            )
        return WebhookEndpoint.objects.create(firm=firm, url=url.strip(), created_by=user)


def endpoint_roll_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret, shown once; the current one keeps signing alongside it for the overlap.
    A roll during an overlap drops the oldest secret: at most two sign at once."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(hours=settings.WEBHOOKS_SECRET_OVERLAP_HOURS)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint


def endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool) -> int:
    """Disabled, an endpoint receives nothing: no new events, and what was still queued for it
    (first attempts and retries) is cancelled. Returns how many deliveries were cancelled.

    Cancelled rather than held until the endpoint is enabled again: events that happened while
    it was disabled are never written for it, so holding only the older ones would send a firm
    a stale, incomplete batch on re-enabling. A cancelled delivery stays in the log (status
    Cancelled) until the retention sweep, so the owner sees which events the system missed; the
    requests themselves are in the portal and the API. An attempt already on the wire when the
    owner clicks cannot be called back: its outcome is logged (_record)."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=active)
        if active:
            return 0
        return _cancel(WebhookDelivery.objects.filter(endpoint_id=endpoint.pk))


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # its deliveries and their log go with it


def endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event through the same outbox and task as the real ones. Refused for a disabled
    endpoint: it receives nothing, so the test would only be cancelled unsent."""
    if not endpoint.is_active:
        raise WebhookError(_("This endpoint is disabled: enable it before sending a test event."))
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery(endpoint=endpoint, event=PING, next_attempt_at=now)
        delivery.payload = _envelope(delivery, PING, {"firm": endpoint.firm.slug}, now)
        delivery.save()
        publish_after_commit("webhooks.tasks.webhook_deliver", delivery.pk)
    return delivery


# --- The outbox: one delivery per active endpoint, written with the event -----------------------


def _envelope(delivery: WebhookDelivery, event: str, data: dict, now) -> dict:
    return {"id": str(delivery.key), "type": event, "created_at": now.isoformat(), "data": data}


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def request_payload(match: Match, event: str) -> dict:
    """The request as the firm already sees it in its portal: the summary and details it was
    sent (redacted, intake/redaction.py), never the client's name or contact details. Those go
    only with contact.released, once the client gave them to this firm."""
    lead = match.lead
    withdrawn = event == events.REQUEST_WITHDRAWN
    data = {
        "request": {
            "id": str(match.public_id),
            "status": match.status,
            "practice_area": lead.practice_area.name,
            "city": lead.city.display_name,
            "urgency": lead.urgency,
            "budget": lead.budget,
            # Withdrawn: the client's words are about to be erased; the firm must delete its copy.
            "summary": None if withdrawn else match.sent_summary,
            "details": None if withdrawn else match.sent_fields,
            "matched_at": _when(match.created_at),
            "received_at": _when(match.delivered_at),
            "answered_at": _when(match.responded_at),
            "contact_released_at": _when(match.contact_released_at),
            "portal_url": settings.SITE_URL
            + reverse("portal:match", kwargs={"firm_slug": match.firm.slug, "public_id": match.public_id}),
        }
    }
    if event == events.CONTACT_RELEASED:
        data["contact"] = dict(match.sent_contact or {})
    return data


def on_match_event(sender, *, match: Match, event: str, **kwargs) -> None:
    """Receiver of intake.events.match_event (connected in WebhooksConfig.ready): runs inside
    the service's transaction, so the rows commit or vanish with the event."""
    endpoints = list(WebhookEndpoint.objects.filter(firm_id=match.firm_id, is_active=True))
    if not endpoints:
        return
    # Read again: the sender's copy may predate the UPDATE that made the event.
    match = Match.objects.select_related("firm", "lead__practice_area", "lead__city__country").get(pk=match.pk)
    data = request_payload(match, event)
    now = timezone.now()
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, match=match, event=event, next_attempt_at=now)
        delivery.payload = _envelope(delivery, event, data, now)
        delivery.save()
        publish_after_commit("webhooks.tasks.webhook_deliver", delivery.pk)


def on_lead_erased(sender, *, lead: Lead, **kwargs) -> None:
    """Receiver of intake.events.lead_erased: payloads hold the summary and maybe the contact
    details, so they are erased with the request. What is still pending is sent without them."""
    for delivery in WebhookDelivery.objects.filter(match__lead_id=lead.pk).only("pk", "payload"):
        payload = delivery.payload or {}
        data = payload.get("data") or {}
        request = data.get("request") or {}
        if "summary" in request:
            request["summary"] = None
        if "details" in request:
            request["details"] = None
        if "contact" in data:
            data["contact"] = None
        WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=payload)


# --- Sending ----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta | None:
    """How long after the attempts-th failed attempt the next one waits; None when that was the
    last (one more attempt than there are delays)."""
    delays = settings.WEBHOOKS_RETRY_DELAYS
    if attempts > len(delays):
        return None
    return timedelta(seconds=delays[attempts - 1])


def _endpoint_active(active: bool = True) -> Exists:
    # A subquery on the endpoint, not a join: Django turns an UPDATE with a join into
    # "pk IN (SELECT ...)" over the deliveries, and the status checks that make the claim
    # exclusive must stay on the row being updated, where PostgreSQL checks them again after
    # waiting on a concurrent update.
    return Exists(WebhookEndpoint.objects.filter(pk=OuterRef("endpoint_id"), is_active=active))


def _cancel(deliveries) -> int:
    return deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.CANCELLED, next_attempt_at=None
    )


def delivery_send(*, delivery_id: int) -> bool:
    """One attempt at a due delivery. Returns True if it was delivered by this call.

    A conditional UPDATE claims it (pending, due and its endpoint enabled) and moves
    next_attempt_at ahead by a lease, so a second worker, the sweeper or a re-sent message
    finds nothing to do; a worker that dies mid-send leaves it due again after the lease. At
    least once: a receiver that answered 2xx just before that crash gets it again, with the
    same Lawzana-Delivery key. A delivery of a disabled endpoint is left for the sweeper to
    cancel.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        _endpoint_active(), pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(
        next_attempt_at=now + timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS),
        attempts=F("attempts") + 1,
        last_attempt_at=now,
    )
    if claimed != 1:
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        target = safety.resolve(endpoint.url)
    except safety.UnsafeURL as exc:
        # Refused before connecting: the name now resolves somewhere it may not go.
        outcome = transport.Outcome(None, 0, f"Refused: {exc}")
    else:
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": user_agent(),
            "Lawzana-Event": delivery.event,
            "Lawzana-Delivery": str(delivery.key),
            "Lawzana-Signature": signing.signature_header(endpoint.signing_secrets(), timestamp, body),
        }
        outcome = transport.post(target, body=body, headers=headers)
    _record(delivery, outcome)
    return outcome.ok


def _record(delivery: WebhookDelivery, outcome: transport.Outcome) -> None:
    now = timezone.now()
    error = outcome.error[:ERROR_MAX_LENGTH]
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=outcome.status_code,
        response_ms=outcome.elapsed_ms,
        error=error,
        succeeded=outcome.ok,
    )
    fields = {"last_status_code": outcome.status_code, "last_response_ms": outcome.elapsed_ms, "last_error": error}
    row = WebhookDelivery.objects.filter(pk=delivery.pk)
    if outcome.ok:
        # Even if the endpoint was disabled during the attempt: the receiver has it.
        row.update(**fields, status=WebhookDelivery.Status.SUCCEEDED, delivered_at=now, next_attempt_at=None)
        return
    delay = retry_delay(delivery.attempts)
    if delay is None:
        outcome_fields = {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
    else:
        outcome_fields = {"next_attempt_at": now + delay}
    if row.filter(status=WebhookDelivery.Status.PENDING).update(**fields, **outcome_fields):
        if delay is None:
            logger.warning("Webhook delivery %s failed for good after %s attempts", delivery.pk, delivery.attempts)
    else:
        # Cancelled during the attempt (its endpoint was disabled): it stays cancelled, with no
        # next attempt, and shows how this last attempt went.
        row.update(**fields)


SWEEP_BATCH = 500


def webhooks_sweep() -> int:
    """Publish the send of every delivery whose next attempt is due: the retries after their
    backoff, and first attempts whose task message was lost (the broker was down at the
    commit). Returns how many were published.

    First it cancels what is still pending for a disabled endpoint (an event written while the
    owner was disabling it, a failed attempt that was on the wire then): delivery_send never
    claims those, and left pending they would be due at every sweep and could fill its batch."""
    cancelled = _cancel(WebhookDelivery.objects.filter(_endpoint_active(False)))
    if cancelled:
        logger.info("Cancelled %s webhook deliveries of disabled endpoints", cancelled)
    due = list(
        WebhookDelivery.objects.filter(
            _endpoint_active(), status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    published = 0
    for delivery_id in due:
        if not publish("webhooks.tasks.webhook_deliver", delivery_id):
            break  # the broker is down: the next sweep tries again
        published += 1
    return published


# --- Retention --------------------------------------------------------------------------------

FINISHED = (WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED, WebhookDelivery.Status.CANCELLED)
RETENTION_BATCH = 500


def deliveries_delete_expired() -> int:
    """Delete the deliveries that finished more than WEBHOOKS_RETENTION_DAYS ago, with their
    attempts. Returns how many deliveries were deleted.

    A payload may hold a client's summary and, after a release, their contact details; the firm
    has its copy, and after the retention the log no longer helps it debug its receiver.
    Finished: delivered (delivered_at), failed for good or cancelled (the last attempt, or the
    creation when none was made: a cancellation follows within the retries' span). Batches, each
    its own short transaction, so a first run over a long history never holds locks for long."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    expired = (
        WebhookDelivery.objects.filter(status__in=FINISHED)
        .alias(finished_at=Coalesce("delivered_at", "last_attempt_at", "created_at"))
        .filter(finished_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    deleted = 0
    while batch := list(expired[:RETENTION_BATCH]):
        # The attempts go by the cascade, in one DELETE; only() keeps the payloads unread.
        with transaction.atomic():
            WebhookDelivery.objects.filter(pk__in=batch).only("pk").delete()
        deleted += len(batch)
        if len(batch) < RETENTION_BATCH:
            break
    if deleted:
        logger.info("Deleted %s webhook deliveries finished before %s", deleted, cutoff.isoformat())
    return deleted
