"""Celery tasks: each takes ids and calls a service. Tasks import services; services publish
tasks by name (lawzana/queue.py), never importing this module."""

import random

from celery import shared_task
from django.conf import settings
from django.core.management import call_command

from intake.services import answers, client_actions, delivery, response, reviews, routing, submission, sweeps
from lawzana import emails


def _backoff(retries: int) -> int:
    # Exponential with jitter, capped well below the broker's visibility timeout.
    base = settings.MATCH_DELIVERY_RETRY_BASE_SECONDS
    return min(600, base * 2**retries) + random.randint(0, max(1, base // 2))


@shared_task(bind=True, acks_late=True, max_retries=6)
def lead_send_confirmation(self, lead_id: int) -> None:
    try:
        submission.lead_send_confirmation(lead_id=lead_id)
    except emails.DeliveryError as exc:
        if exc.permanent:  # a mistyped address: the client can submit again with the right one
            submission.lead_send_confirmation_failed(lead_id=lead_id, reason=str(exc))
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(acks_late=True)
def lead_match(lead_id: int) -> int:
    return len(routing.lead_match(lead_id=lead_id))


@shared_task(bind=True, acks_late=True, max_retries=settings.MATCH_DELIVERY_MAX_ATTEMPTS)
def match_deliver(self, match_id: int) -> bool:
    try:
        return delivery.match_deliver(match_id=match_id)
    except emails.DeliveryError as exc:
        if exc.permanent or self.request.retries >= self.max_retries:
            delivery.match_mark_failed(match_id=match_id, reason=str(exc))
            return False
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def match_notify_withdrawn(match_id: int) -> None:
    client_actions.match_notify_withdrawn(match_id=match_id)


def _email_about_match(task, match_id: int, *, send, failed) -> None:
    """Send one email about a match: retried with backoff while SMTP refuses for now, recorded
    as failed when it refuses for good (the sweeper re-sends what is neither sent nor failed)."""
    try:
        send(match_id=match_id)
    except emails.DeliveryError as exc:
        if exc.permanent:
            failed(match_id=match_id, reason=str(exc))
            return
        raise task.retry(exc=exc, countdown=_backoff(task.request.retries)) from exc


@shared_task(bind=True, acks_late=True, max_retries=6)
def match_notify_accepted(self, match_id: int) -> None:
    _email_about_match(self, match_id, send=answers.match_notify_accepted, failed=answers.match_notify_accepted_failed)


@shared_task(bind=True, acks_late=True, max_retries=6)
def match_send_contact(self, match_id: int) -> None:
    _email_about_match(
        self, match_id, send=client_actions.match_send_contact, failed=client_actions.match_send_contact_failed
    )


@shared_task
def matches_sweep() -> int:
    return sweeps.matches_sweep()


@shared_task
def matches_expire_and_reroute() -> int:
    return sweeps.matches_expire_and_reroute()


@shared_task
def leads_expire() -> int:
    return sweeps.leads_expire()


@shared_task
def leads_retry_unmatched() -> int:
    return sweeps.leads_retry_unmatched()


@shared_task
def leads_erase_expired() -> int:
    return sweeps.leads_erase_expired()


@shared_task
def sessions_clear_expired() -> None:
    """Abandoned request forms keep what was typed in the session: drop expired sessions."""
    call_command("clearsessions")


@shared_task
def response_figures_refresh() -> int:
    return response.response_figures_refresh()


@shared_task
def review_invitations_send() -> int:
    """Hourly: invite clients to review the firms that accepted their requests."""
    return reviews.review_invitations_send()
