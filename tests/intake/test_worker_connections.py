"""A Celery worker keeps its database connection from task to task as Django keeps one from
request to request (lawzana/celery.py), except after a task that failed."""

import pytest
from celery import signals, states
from celery.fixups.django import DjangoWorkerFixup
from django import db

from intake.tasks import match_deliver
from lawzana import celery as worker_setup
from lawzana.celery import app


class FakeConnection:
    def __init__(self):
        self.closed = False

    def close(self):
        self.closed = True


@pytest.fixture
def connections(monkeypatch):
    """The worker's database connections, and how often Django's close_old_connections ran."""
    fakes = [FakeConnection(), FakeConnection()]
    checked = []
    monkeypatch.setattr(db.connections, "all", lambda initialized_only=False: fakes)
    monkeypatch.setattr(worker_setup, "_close_old_db_connections", lambda: checked.append(True))
    return fakes, checked


def finish(task, state):
    signals.task_postrun.send(sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state=state)


def test_celery_leaves_the_connections_between_tasks_to_us():
    fixup = DjangoWorkerFixup(app)
    closed = []
    fixup._close_database = lambda: closed.append(True)

    for _ in range(10):  # prerun and postrun of five tasks
        fixup.close_database()

    assert closed == []


@pytest.mark.parametrize("state", [states.SUCCESS, states.RETRY])
def test_after_a_task_that_ended_well_only_old_or_broken_connections_are_closed(connections, state):
    fakes, checked = connections
    signals.task_prerun.send(sender=match_deliver, task_id="t", task=match_deliver, args=(), kwargs={})

    finish(match_deliver, state)

    assert checked == [True, True]  # before and after: CONN_MAX_AGE and health checks apply
    assert not any(c.closed for c in fakes)


def test_after_a_task_that_failed_every_connection_is_closed(connections):
    fakes, checked = connections

    finish(match_deliver, states.FAILURE)

    assert all(c.closed for c in fakes)
    assert checked == []


def test_a_task_run_inline_leaves_the_callers_connection_alone(connections):
    fakes, checked = connections
    match_deliver.push_request(is_eager=True)
    try:
        signals.task_prerun.send(sender=match_deliver, task_id="t", task=match_deliver, args=(), kwargs={})
        finish(match_deliver, states.FAILURE)
    finally:
        match_deliver.pop_request()

    assert checked == []
    assert not any(c.closed for c in fakes)
