"""F1: the worker dies (or is asked to stop) while it is inside the SMTP conversation of a
delivery. Delivery tasks are acks_late and claim their match for a lease
(MATCH_DELIVERY_LEASE_SECONDS, 4 s here); once the lease is over, the sweeper publishes the
match again and a worker delivers it. Every match ends delivered exactly once."""

import os
import signal
import time

import pytest

from intake.models import Match
from intake.services import sweeps
from tests.fault.conftest import (
    HOLD,
    LEASE_SECONDS,
    assert_each_match_delivered_once,
    let_the_sweepers_grace_pass,
    submit,
)

pytestmark = pytest.mark.integration


def sweep_until_delivered(matches, *, timeout=30.0):
    """Run the sweeper every second, as beat would (every minute) over a longer lease."""
    ids = [match.pk for match in matches]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Match.objects.filter(pk__in=ids, status=Match.Status.DELIVERED).count() == len(ids):
            return
        sweeps.matches_sweep()
        time.sleep(1)


@pytest.mark.parametrize(
    "how",
    ["sigkill-process-group", "sigkill-pool-child"],
    ids=["SIGKILL to the worker's process group", "SIGKILL to the pool child"],
)
def test_a_worker_killed_inside_the_smtp_send_leaves_every_match_delivered_exactly_once(
    start_worker, mailbox, firms, harbin, cyber_law, how
):
    held_firm, other_firm = firms
    mailbox.answers[held_firm.email] = [HOLD]
    worker = start_worker()

    lead = submit(city=harbin, practice_area=cyber_law, email="client@clients.example")
    assert mailbox.holding.wait(timeout=20), "the delivery never reached the SMTP server"
    held = Match.objects.get(lead=lead, firm=held_firm)
    assert (held.status, held.attempts) == (Match.Status.PENDING, 1)

    if how == "sigkill-process-group":
        worker.kill_group(signal.SIGKILL)  # `docker kill`: the main process and its pool child
        assert worker.wait_exit(10)
    else:
        (child,) = worker.pool_children()
        os.kill(child, signal.SIGKILL)  # an OOM kill of the process doing the work
    mailbox.release.set()  # the connection is gone: nothing was accepted
    if how == "sigkill-process-group":
        start_worker()

    matches = list(Match.objects.filter(lead=lead))
    assert len(matches) == 2
    # The other firm's delivery may have been reserved by the killed worker: the sweeper finds
    # it too once its grace has passed.
    let_the_sweepers_grace_pass(matches=matches)
    time.sleep(LEASE_SECONDS)  # the killed attempt's lease runs out
    sweep_until_delivered(matches)

    assert_each_match_delivered_once(matches, mailbox)
    held.refresh_from_db()
    assert held.attempts == 2
    assert [a["answer"][:4] for a in mailbox.attempts_for(held_firm.email)] == [HOLD, "250 "]
    assert len(mailbox.attempts_for(other_firm.email)) == 1


def test_a_worker_asked_to_stop_inside_the_smtp_send_finishes_it_and_nothing_is_sent_twice(
    start_worker, mailbox, firms, harbin, cyber_law
):
    held_firm, _other_firm = firms
    mailbox.answers[held_firm.email] = [HOLD]
    mailbox.release_answer = "250 OK"
    worker = start_worker()

    lead = submit(city=harbin, practice_area=cyber_law, email="client@clients.example")
    assert mailbox.holding.wait(timeout=20), "the delivery never reached the SMTP server"

    os.kill(worker.pid, signal.SIGTERM)  # `docker stop`: a warm shutdown
    assert not worker.wait_exit(1)  # it waits for the delivery in progress
    mailbox.release.set()
    assert worker.wait_exit(20), "the worker did not finish its warm shutdown"
    held = Match.objects.get(lead=lead, firm=held_firm)
    assert (held.status, held.attempts) == (Match.Status.DELIVERED, 1)

    start_worker()
    matches = list(Match.objects.filter(lead=lead))
    let_the_sweepers_grace_pass(matches=matches)
    sweep_until_delivered(matches)

    assert_each_match_delivered_once(matches, mailbox)
    assert len(mailbox.attempts_for(held_firm.email)) == 1
