"""A request's whole journey through real Redis, a real Celery worker and a real SMTP server."""

import contextlib
import datetime

import pytest
from django.utils import timezone

from intake.models import Lead, Match
from intake.services import submission
from intake.tasks import matches_sweep
from lawzana.celery import app
from tests.factories import FirmFactory, PracticeAreaFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

CLIENT = {"name": "Zhao Min", "email": "zhao.min@example.com", "phone": "+8613812345678"}


def submit(*, city, practice_area, description="Our customer database leaked; we need advice today."):
    lead, created = submission.lead_submit(
        practice_area=practice_area,
        city=city,
        description=description,
        urgency=Lead.Urgency.URGENT,
        budget=Lead.Budget.UNSURE,
        preferred_language=None,
        client_type=Lead.ClientType.BUSINESS,
        consents=["process", "share"],
        **CLIENT,
    )
    assert created
    return lead


def delivered_to(smtp_server):
    """Firms' mailboxes that received something (the client's own status email left out)."""
    return sorted(rcpt for message in smtp_server.messages for rcpt in message.rcpt_tos if rcpt != CLIENT["email"])


def firm_messages(smtp_server):
    return [m for m in smtp_server.messages if CLIENT["email"] not in m.rcpt_tos]


@contextlib.contextmanager
def broker_unreachable():
    """Point this process's publisher at a closed port, as if Redis were down."""
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = original
        app._pool = None
        app.amqp._producer_pool = None


def test_a_submitted_request_reaches_exactly_the_right_firms_once(
    celery_worker, smtp_server, harbin_cyber, django_capture_on_commit_callbacks
):
    harbin, cyber = harbin_cyber
    chosen = [
        FirmFactory(cities=[harbin], practice_areas=[cyber], email=f"firm{i}@firms.example", ratings=[5] * (5 - i))
        for i in range(3)
    ]
    FirmFactory(cities=[harbin], practice_areas=[cyber], email="fourth@firms.example", ratings=[1])
    FirmFactory(cities=[harbin], practice_areas=[PracticeAreaFactory()], email="other-area@firms.example")
    FirmFactory(cities=[harbin], practice_areas=[cyber], email="closed@firms.example", is_accepting_leads=False)

    with django_capture_on_commit_callbacks(execute=True):
        lead = submit(city=harbin, practice_area=cyber)

    assert wait_for(lambda: len(firm_messages(smtp_server)) >= 3), "the firms' emails did not arrive"
    assert wait_for(lambda: Match.objects.filter(lead=lead, status=Match.Status.DELIVERED).count() == 3)
    assert delivered_to(smtp_server) == sorted(firm.email for firm in chosen)
    assert len(smtp_server.received_by(CLIENT["email"])) == 1  # the client's private link
    for message in firm_messages(smtp_server):
        content = message.content.decode(errors="replace")
        assert CLIENT["name"] not in content and CLIENT["email"] not in content and "13812345678" not in content
    # Nothing else arrives later (no duplicate deliveries).
    matches_sweep.delay()
    assert not wait_for(lambda: len(firm_messages(smtp_server)) > 3, timeout=3)


def test_smtp_refusing_then_accepting_delivers_exactly_once(
    celery_worker, smtp_server, harbin_cyber, django_capture_on_commit_callbacks
):
    harbin, cyber = harbin_cyber
    FirmFactory(cities=[harbin], practice_areas=[cyber], email="only@firms.example")
    smtp_server.refusals["only@firms.example"] = ["451 4.3.0 Try again later", "421 4.7.0 Busy"]

    with django_capture_on_commit_callbacks(execute=True):
        lead = submit(city=harbin, practice_area=cyber)

    assert wait_for(lambda: Match.objects.filter(lead=lead, status=Match.Status.DELIVERED).exists(), timeout=30)
    match = Match.objects.get(lead=lead)
    assert match.attempts == 3
    assert delivered_to(smtp_server) == ["only@firms.example"]


def test_a_request_sent_while_the_broker_is_down_is_delivered_once_it_is_back(
    celery_worker, smtp_server, harbin_cyber, django_capture_on_commit_callbacks
):
    harbin, cyber = harbin_cyber
    FirmFactory(cities=[harbin], practice_areas=[cyber], email="only@firms.example")

    started = timezone.now()
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        lead = submit(city=harbin, practice_area=cyber)
    assert (timezone.now() - started).total_seconds() < 5  # the client is not kept waiting
    assert Lead.objects.filter(pk=lead.pk, status=Lead.Status.CONFIRMED).exists()
    assert lead.consents.count() == 2

    # Broker back: the periodic sweeper finds the request whose task never left.
    Lead.objects.filter(pk=lead.pk).update(confirmed_at=timezone.now() - datetime.timedelta(minutes=2))
    matches_sweep.delay()

    assert wait_for(lambda: len(firm_messages(smtp_server)) >= 1, timeout=30)
    matches_sweep.delay()
    assert not wait_for(lambda: len(firm_messages(smtp_server)) > 1, timeout=3)
    assert delivered_to(smtp_server) == ["only@firms.example"]
