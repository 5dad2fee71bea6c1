"""The client hears about an acceptance exactly once, even when the broker was down."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from intake import tasks
from intake.models import Match
from intake.services import answers, submission, sweeps
from tests.factories import FirmUserFactory, LeadFactory, MatchFactory

pytestmark = pytest.mark.django_db
MESSAGE = "We handle data-breach notices every week and can start tomorrow."


@pytest.fixture
def match():
    return MatchFactory(lead=LeadFactory(email="client@example.com"), status="viewed")


def accept(match, monkeypatch, capture, *, broker_up=True):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched, capture(execute=True):
        if not broker_up:
            patched.setattr(tasks.match_notify_accepted, "delay", broker_down)
        answers.match_accept(match_id=match.pk, user=FirmUserFactory(), message=MESSAGE)


def client_emails():
    return [message for message in mail.outbox if message.to == ["client@example.com"]]


def test_an_acceptance_made_while_the_broker_was_down_reaches_the_client_once_later(
    match, monkeypatch, django_capture_on_commit_callbacks
):
    accept(match, monkeypatch, django_capture_on_commit_callbacks, broker_up=False)
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED
    assert client_emails() == []

    sweeps.matches_sweep()  # too soon: the task may still be on its way
    assert client_emails() == []
    Match.objects.filter(pk=match.pk).update(responded_at=timezone.now() - datetime.timedelta(minutes=5))
    sweeps.matches_sweep()
    sweeps.matches_sweep()

    assert len(client_emails()) == 1
    assert match.firm.name in client_emails()[0].body
    match.refresh_from_db()
    assert match.client_notified_at is not None


def test_a_repeated_notice_task_sends_nothing_more(match, monkeypatch, django_capture_on_commit_callbacks):
    accept(match, monkeypatch, django_capture_on_commit_callbacks)

    assert answers.match_notify_accepted(match_id=match.pk) is False
    assert len(client_emails()) == 1


def test_an_address_that_refuses_mail_is_not_retried_for_ever(
    match, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from tests.intake import flaky_backend

    settings.EMAIL_BACKEND = "tests.intake.flaky_backend.FlakyBackend"
    monkeypatch.setattr(flaky_backend, "FAILURES", [550])
    accept(match, monkeypatch, django_capture_on_commit_callbacks)
    Match.objects.filter(pk=match.pk).update(responded_at=timezone.now() - datetime.timedelta(minutes=5))

    sweeps.matches_sweep()

    match.refresh_from_db()
    assert match.client_notified_at is not None
    assert client_emails() == []


def test_a_request_made_while_the_broker_was_down_still_gets_its_confirmation_email_once(
    harbin, cyber_law, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from intake.models import Lead

    settings.LEAD_EMAIL_CONFIRMATION = True

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched, django_capture_on_commit_callbacks(execute=True):
        patched.setattr(tasks.lead_send_confirmation, "delay", broker_down)
        lead, _created = submission.lead_submit(
            practice_area=cyber_law,
            city=harbin,
            description="Our shop's customer list leaked; what must we do now?",
            urgency=Lead.Urgency.URGENT,
            budget=Lead.Budget.UNSURE,
            preferred_language=None,
            client_type=Lead.ClientType.BUSINESS,
            name="Li Lei",
            email="li.lei@example.com",
            phone="",
            consents=["process", "share"],
        )
    assert mail.outbox == []

    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    sweeps.matches_sweep()
    sweeps.matches_sweep()

    assert [message.to for message in mail.outbox] == [["li.lei@example.com"]]
    assert "/requests/confirm/" in mail.outbox[0].body
