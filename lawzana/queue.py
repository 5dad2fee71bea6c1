"""Publishing Celery tasks from services, by task name.

Tasks import the services they call; services never import tasks (docs/architecture.md, "Services
and tasks"). A service that starts follow-up work publishes the task by its registered name
here. Every app that defines tasks imports its tasks module in AppConfig.ready(), so the names
resolve in web processes and workers alike, and in the embedded mode (CELERY_TASK_ALWAYS_EAGER)
the task still runs in-process.

The database is the truth and a task message only a nudge: when the broker cannot be reached,
the rows stay as they are and the app's sweeper publishes the work again later.
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

BROKER_UNREACHABLE = (KombuOperationalError, ConnectionError, OSError)


def _task(name: str):
    try:
        return current_app.tasks[name]
    except KeyError:
        # A programming error, not an outage: say where registration happens.
        raise LookupError(
            f"No Celery task {name!r}: is its app's tasks module imported in AppConfig.ready()?"
        ) from None


def publish(name: str, *args) -> bool:
    """Publish the task now. Returns False, having logged why, when the broker is unreachable."""
    task = _task(name)
    try:
        task.delay(*args)
    except BROKER_UNREACHABLE as exc:
        logger.warning("Could not publish %s%s (%s); the sweeper will retry.", name, args, type(exc).__name__)
        return False
    return True


def publish_after_commit(name: str, *args) -> None:
    """Publish the task once the current transaction commits (at once outside one)."""
    _task(name)  # an unknown name fails here, in the caller, not silently after the commit
    # robust: in the embedded mode the task runs inline here, and a failing delivery must not
    # turn the client's successful submission into an error page.
    transaction.on_commit(lambda: publish(name, *args), robust=True)
