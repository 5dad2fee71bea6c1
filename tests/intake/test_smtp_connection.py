"""Deliveries over SMTP share one connection per worker process (lawzana.emails.send_email),
and every SMTP answer is still classified as before: 4xx transient, 5xx permanent."""

import socket

import pytest

from intake.models import Match
from intake.services import delivery
from lawzana import emails
from tests.factories import FirmFactory
from tests.intake.test_matching import make_lead

pytestmark = pytest.mark.django_db


class Counting:
    """An SMTP server's handler that counts sessions (EHLO) and messages, refusing on cue."""

    def __init__(self):
        self.sessions = 0
        self.delivered = []
        self.answers = []  # given in turn to the next messages, before accepting again

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 (aiosmtpd's name)
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.answers:
            return self.answers.pop(0)
        self.delivered.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    emails.close_kept_connection()
    controller.stop()


@pytest.fixture
def matches(harbin, cyber_law):
    firms = [
        FirmFactory(cities=[harbin], practice_areas=[cyber_law], email=f"cases{i}@firm.example") for i in range(3)
    ]
    lead = make_lead(city=harbin, practice_area=cyber_law)
    return [Match.objects.create(lead=lead, firm=firm, slot=i, reason="x") for i, firm in enumerate(firms, start=1)]


def test_deliveries_share_one_smtp_connection(smtp, matches):
    for match in matches:
        assert delivery.match_deliver(match_id=match.pk) is True

    assert smtp.delivered == [["cases0@firm.example"], ["cases1@firm.example"], ["cases2@firm.example"]]
    assert smtp.sessions == 1


def test_a_refusal_is_classified_as_before_and_the_next_message_gets_a_new_connection(smtp, matches):
    first, second, third = matches
    smtp.answers = ["451 4.3.0 Try again later", "550 5.1.1 No such mailbox"]

    with pytest.raises(emails.DeliveryError) as transient:
        delivery.match_deliver(match_id=first.pk)
    with pytest.raises(emails.DeliveryError) as permanent:
        delivery.match_deliver(match_id=second.pk)
    assert delivery.match_deliver(match_id=third.pk) is True

    assert (transient.value.permanent, permanent.value.permanent) == (False, True)
    assert "451" in str(transient.value) and "550" in str(permanent.value)
    assert smtp.delivered == [["cases2@firm.example"]]
    assert smtp.sessions == 3  # a connection that saw an error is not used again
    first.refresh_from_db()
    assert (first.status, first.last_attempt_at) == (Match.Status.PENDING, None)  # released for the retry


def test_a_connection_idle_too_long_is_replaced(smtp, matches, monkeypatch):
    monkeypatch.setattr(emails, "SMTP_REUSE_IDLE_SECONDS", -1)

    for match in matches[:2]:
        delivery.match_deliver(match_id=match.pk)

    assert smtp.sessions == 2
    assert len(smtp.delivered) == 2


def test_a_connection_is_replaced_after_its_share_of_messages(smtp, matches, monkeypatch):
    monkeypatch.setattr(emails, "SMTP_REUSE_MAX_MESSAGES", 2)

    for match in matches:
        delivery.match_deliver(match_id=match.pk)

    assert smtp.sessions == 2
    assert len(smtp.delivered) == 3


def test_a_connection_the_server_dropped_fails_one_attempt_as_transient_then_delivery_goes_on(smtp, matches):
    first, second, third = matches
    delivery.match_deliver(match_id=first.pk)
    emails.kept_backend().connection.sock.shutdown(socket.SHUT_RDWR)  # as if the server hung up

    with pytest.raises(emails.DeliveryError) as error:
        delivery.match_deliver(match_id=second.pk)
    assert error.value.permanent is False
    assert delivery.match_deliver(match_id=second.pk) is True  # the task's retry
    assert delivery.match_deliver(match_id=third.pk) is True

    assert len(smtp.delivered) == 3
    assert smtp.sessions == 2


def test_changed_settings_get_a_connection_of_their_own(smtp, matches, settings):
    delivery.match_deliver(match_id=matches[0].pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    delivery.match_deliver(match_id=matches[1].pk)

    from django.core import mail

    assert [m.to for m in mail.outbox] == [["cases1@firm.example"]]
    assert len(smtp.delivered) == 1
