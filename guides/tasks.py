from celery import shared_task

from guides.services import guides_notify_stale as notify


@shared_task(acks_late=True)
def guides_notify_stale() -> int:
    """Weekly: email the editors the list of guides that are due for review."""
    return notify()
