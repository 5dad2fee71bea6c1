"""Celery tasks of the webhooks: each takes ids and calls a service (lawzana/queue.py)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def webhook_deliver(delivery_id: int) -> bool:
    # No Celery retry: a failure sets next_attempt_at and the sweeper sends it when due, so a
    # 12-hour backoff never sits in the broker as a delayed message.
    return services.delivery_send(delivery_id=delivery_id)


@shared_task
def webhooks_sweep() -> int:
    return services.webhooks_sweep()


@shared_task
def webhook_deliveries_delete_expired() -> int:
    return services.deliveries_delete_expired()
