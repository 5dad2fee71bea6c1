"""Two answers to one match at the same instant on PostgreSQL: exactly one wins (docs/reliability.md A6)."""

import threading

import pytest
from django.db import connection

from intake.models import Match
from intake.services import answers
from tests.factories import FirmUserFactory, MatchFactory

pytestmark = pytest.mark.integration

MESSAGE = "We can take this on and will write with a plan tomorrow morning."


def _race(*attempts):
    """Run each answer in its own thread and connection, released together; return outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, answer):
        try:
            barrier.wait(timeout=10)
            answer()
            outcomes[index] = "ok"
        except answers.MatchAnswerError as exc:
            outcomes[index] = f"refused: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, answer)) for i, answer in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("rival", ["accept", "decline"])
def test_two_simultaneous_answers_leave_exactly_one(services, transactional_db, mailoutbox, rival):
    match = MatchFactory(status="viewed")
    user = FirmUserFactory()

    def accept():
        answers.match_accept(match_id=match.pk, user=user, message=MESSAGE)

    def decline():
        answers.match_decline(match_id=match.pk, user=user, reason="capacity", note="")

    outcomes = _race(accept, accept if rival == "accept" else decline)

    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"], outcomes
    match.refresh_from_db()
    assert match.status in {Match.Status.ACCEPTED, Match.Status.DECLINED}
    assert match.responded_at is not None
