from celery import shared_task

from guides.services import guides_notify_stale as notify
from lawzana.emails import DeliveryError
from lawzana.jobs import iso_week, once_per


# A failed run records nothing (lawzana/jobs.py), so its retries, a week's only chance, can send.
@shared_task(acks_late=True, autoretry_for=(DeliveryError,), retry_backoff=60, max_retries=6)
def guides_notify_stale() -> int:
    """Weekly: email the editors the list of guides that are due for review, once a week
    however many times the beat sends it."""
    return once_per("guides_notify_stale", iso_week(), notify) or 0
