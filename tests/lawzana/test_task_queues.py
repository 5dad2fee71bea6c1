"""Two queues (settings.CELERY_TASK_ROUTES): a backlog of housekeeping never delays a request on
its way to a firm, nor a client's email."""

import pytest
from django.conf import settings

from lawzana.celery import app

DELIVERIES = {
    "intake.tasks.lead_send_confirmation",
    "intake.tasks.lead_match",
    "intake.tasks.match_deliver",
    "intake.tasks.match_notify_withdrawn",
    "intake.tasks.match_notify_accepted",
    "intake.tasks.match_send_contact",
    "webhooks.tasks.webhook_deliver",
}


def queue_of(task_name: str) -> str:
    """The queue Celery's own router publishes the task to."""
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def ours():
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_every_task_of_ours_is_routed_by_name_to_one_of_the_two_queues():
    tasks = ours()

    assert len(tasks) >= 15
    assert set(tasks) == set(settings.CELERY_TASK_ROUTES)
    assert {queue_of(name) for name in tasks} == {"deliveries", "housekeeping"}


@pytest.mark.parametrize("name", sorted(DELIVERIES))
def test_deliveries_and_client_emails_go_to_the_deliveries_queue(name):
    assert queue_of(name) == "deliveries"


def test_sweeps_and_every_scheduled_job_go_to_housekeeping():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled and scheduled.isdisjoint(DELIVERIES)
    assert {queue_of(name) for name in scheduled} == {"housekeeping"}
    assert {queue_of(name) for name in set(ours()) - DELIVERIES} == {"housekeeping"}


def test_a_worker_started_without_queues_takes_both_and_the_previous_releases_default():
    # scripts/dev worker and the tests start workers without -Q.
    assert set(app.amqp.queues) == {"deliveries", "housekeeping", "celery"}
