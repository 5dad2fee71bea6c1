"""Delivering a match to its firm: once, retried when SMTP struggles, never with client PII."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from intake.models import Lead, Match
from intake.services import delivery, submission, sweeps
from intake.tasks import match_deliver as match_deliver_task
from tests.factories import FirmFactory
from tests.intake import flaky_backend
from tests.intake.test_matching import make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def match(harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="cases@songhua.example")
    lead = make_lead(
        city=harbin,
        practice_area=cyber_law,
        name="Zhao Min",
        email="zhao.min@example.com",
        phone="+8613812345678",
    )
    return Match.objects.create(lead=lead, firm=firm, slot=1, reason="office in Harbin")


@pytest.fixture
def flaky_smtp(settings, monkeypatch):
    from lawzana.celery import app

    # Eager retries run inline only when errors do not propagate out of apply().
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    settings.EMAIL_BACKEND = "tests.intake.flaky_backend.FlakyBackend"
    flaky_backend.FAILURES.clear()
    yield flaky_backend.FAILURES
    flaky_backend.FAILURES.clear()


def test_it_emails_the_firm_a_summary_without_the_clients_contact_details(match):
    assert delivery.match_deliver(match_id=match.pk) is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cases@songhua.example"]
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):
        assert "Zhao Min" not in part
        assert "zhao.min@example.com" not in part
        assert "13812345678" not in part
    assert "data breach" in message.body
    assert "/portal/" in message.body
    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED
    assert match.delivered_at is not None


def test_running_the_delivery_twice_sends_one_email(match):
    match_deliver_task.apply(args=[match.pk])
    match_deliver_task.apply(args=[match.pk])

    assert len(mail.outbox) == 1
    match.refresh_from_db()
    assert match.attempts == 1


def test_a_match_leased_by_another_worker_is_left_alone(match):
    Match.objects.filter(pk=match.pk).update(last_attempt_at=timezone.now(), attempts=1)

    assert delivery.match_deliver(match_id=match.pk) is False
    assert mail.outbox == []


def test_html_in_the_description_is_text_in_both_email_parts(harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="f@firm.example")
    lead = make_lead(city=harbin, practice_area=cyber_law)
    Lead.objects.filter(pk=lead.pk).update(description='<script>alert(1)</script><img src=x onerror="y">')
    match = Match.objects.create(lead=lead, firm=firm, slot=1, reason="x")

    delivery.match_deliver(match_id=match.pk)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_smtp_temporary_errors_are_retried_until_delivered_once(match, flaky_smtp, settings):
    settings.MATCH_DELIVERY_RETRY_BASE_SECONDS = 0
    flaky_smtp.extend([451, 421, 451])

    match_deliver_task.apply(args=[match.pk])

    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED
    assert match.attempts == 4
    assert len(mail.outbox) == 1


def test_a_permanent_smtp_error_marks_the_match_failed_without_retrying(match, flaky_smtp):
    flaky_smtp.extend([550, 550])

    match_deliver_task.apply(args=[match.pk])

    match.refresh_from_db()
    assert match.status == Match.Status.FAILED
    assert "550" in match.failure_reason
    assert match.attempts == 1
    assert flaky_smtp == [550]  # the second answer was never asked for


def test_it_gives_up_after_the_last_attempt(match, flaky_smtp, settings):
    settings.MATCH_DELIVERY_RETRY_BASE_SECONDS = 0
    flaky_smtp.extend([451] * 20)

    match_deliver_task.apply(args=[match.pk])

    match.refresh_from_db()
    assert match.status == Match.Status.FAILED
    assert mail.outbox == []


def test_a_firm_without_an_email_address_is_marked_failed(match):
    type(match.firm).objects.filter(pk=match.firm_id).update(email="")

    delivery.match_deliver(match_id=match.pk)

    match.refresh_from_db()
    assert match.status == Match.Status.FAILED


def test_the_sweeper_redelivers_a_match_whose_task_was_lost(match):
    Match.objects.filter(pk=match.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))

    assert sweeps.matches_sweep() == 1

    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED
    assert len(mail.outbox) == 1
    assert sweeps.matches_sweep() == 0  # nothing left to do


def test_the_sweeper_takes_back_a_match_whose_worker_died(match, settings):
    # A worker claimed the match (lease) and was killed before sending.
    stale = timezone.now() - datetime.timedelta(seconds=settings.MATCH_DELIVERY_LEASE_SECONDS + 5)
    Match.objects.filter(pk=match.pk).update(last_attempt_at=stale, attempts=1)

    sweeps.matches_sweep()

    match.refresh_from_db()
    assert match.status == Match.Status.DELIVERED
    assert match.attempts == 2
    assert len(mail.outbox) == 1


def test_a_submission_succeeds_when_the_broker_is_down_and_the_sweeper_delivers_later(
    harbin, cyber_law, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.LEAD_EMAIL_CONFIRMATION = False
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="f@firm.example")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    from intake import tasks

    with monkeypatch.context() as patched, django_capture_on_commit_callbacks(execute=True):
        patched.setattr(tasks.lead_match, "delay", broker_down)
        lead, created = submission.lead_submit(
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
    assert created
    assert lead.consents.count() == 2
    assert not lead.matches.exists()
    assert [m.to for m in mail.outbox] == [["li.lei@example.com"]]  # only the client's status link

    # The broker is back.
    Lead.objects.filter(pk=lead.pk).update(confirmed_at=timezone.now() - datetime.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        sweeps.matches_sweep()
    sweeps.matches_sweep()

    assert lead.matches.get().status == Match.Status.DELIVERED
    assert [m.to for m in mail.outbox if m.to != ["li.lei@example.com"]] == [["f@firm.example"]]


def test_a_rolled_back_submission_sends_nothing(harbin, cyber_law, settings, django_capture_on_commit_callbacks):
    settings.LEAD_EMAIL_CONFIRMATION = False
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="f@firm.example")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValueError):
        submission.lead_submit(
            practice_area=cyber_law,
            city=harbin,
            description="A question about personal data.",
            urgency=Lead.Urgency.SOON,
            budget=Lead.Budget.UNSURE,
            preferred_language=None,
            client_type=Lead.ClientType.INDIVIDUAL,
            name="Li Lei",
            email="li.lei@example.com",
            phone="",
            consents=["share"],  # no consent to process: refused, nothing written
        )

    assert callbacks == []
    assert not Lead.objects.exists()
    assert mail.outbox == []


def test_contact_details_typed_into_the_description_are_hidden_from_the_firm(harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="f@firm.example")
    lead = make_lead(city=harbin, practice_area=cyber_law)
    Lead.objects.filter(pk=lead.pk).update(
        description="Please call me on +86 138 1234 5678 or write to me@mail.example, see www.mysite.example"
    )
    match = Match.objects.create(lead=lead, firm=firm, slot=1, reason="x")

    delivery.match_deliver(match_id=match.pk)

    body = mail.outbox[0].body
    assert "1234 5678" not in body and "me@mail.example" not in body and "mysite" not in body
    assert "[number hidden]" in body and "[email hidden]" in body and "[link hidden]" in body


def test_the_portal_link_in_the_firms_email_leads_to_a_page(client, match):
    delivery.match_deliver(match_id=match.pk)

    link = next(word for word in mail.outbox[0].body.split() if "/portal/" in word)
    response = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)

    # Signed out, the firm is asked to sign in and comes back to the portal afterwards.
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=/portal/" in response.redirect_chain[-1][0]


def test_a_delivery_runs_five_queries(match, django_assert_num_queries):
    # The claim, the match with its request and firm, the firm's recipients, the delivered mark,
    # and the firm's webhook endpoints (none here: nothing more is written).
    with django_assert_num_queries(5):
        assert delivery.match_deliver(match_id=match.pk) is True
