"""Sending: retried with backoff and the same idempotency key, each attempt logged, redirects
not followed, the secret roll's overlap, and the sweeper that recovers lost messages."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from tests.factories import WebhookEndpointFactory
from webhooks import services, tasks
from webhooks.models import WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpointFactory(url=receiver.url)


def ping(endpoint, capture) -> WebhookDelivery:
    with capture(execute=True):
        delivery = services.endpoint_ping(endpoint=endpoint)
    delivery.refresh_from_db()
    return delivery


def test_a_500_is_retried_after_the_backoff_with_the_same_idempotency_key_and_each_attempt_logged(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 200]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        delivery = ping(endpoint, django_capture_on_commit_callbacks)

        assert delivery.status == "pending" and delivery.attempts == 1
        assert delivery.last_status_code == 500 and delivery.last_error == "HTTP 500"
        assert delivery.next_attempt_at == start + datetime.timedelta(minutes=1)
        # Not due yet: the task (a re-sent message) and the sweeper leave it alone.
        assert tasks.webhook_deliver(delivery.pk) is False
        assert services.webhooks_sweep() == 0
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert services.webhooks_sweep() == 1  # runs the task inline (eager)

    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2 and delivery.last_status_code == 200
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.key == second.key == str(delivery.key)
    assert first.body == second.body
    assert first.verified_with(endpoint.secret) and second.verified_with(endpoint.secret)
    log = list(WebhookAttempt.objects.filter(delivery=delivery))
    assert [(a.status_code, a.succeeded) for a in log] == [(500, False), (200, True)]
    assert all(a.response_ms is not None for a in log)
    assert endpoint.secret not in "".join(a.error for a in log)


def test_the_backoff_runs_1_5_30_minutes_2_and_12_hours_then_the_delivery_fails(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [503] * 10
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        delivery = ping(endpoint, django_capture_on_commit_callbacks)
    waits = []
    while delivery.status == "pending":
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        with time_machine.travel(delivery.next_attempt_at, tick=False):
            tasks.webhook_deliver(delivery.pk)
        delivery.refresh_from_db()

    assert [int(w.total_seconds()) for w in waits] == [60, 300, 1800, 7200, 43200]
    assert waits == [datetime.timedelta(seconds=s) for s in settings.WEBHOOKS_RETRY_DELAYS]
    assert delivery.status == "failed" and delivery.attempts == 6 and delivery.next_attempt_at is None
    assert len(receiver.received) == 6 and len({r.key for r in receiver.received}) == 1
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 6


def test_a_redirect_is_not_followed_and_counts_as_a_failure(endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [(302, {"Location": receiver.url.replace("/lawzana/webhook", "/elsewhere")})]

    delivery = ping(endpoint, django_capture_on_commit_callbacks)

    assert [r.path for r in receiver.received] == ["/lawzana/webhook"]
    assert delivery.status == "pending" and delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error


def test_a_connection_refused_is_a_failed_attempt_retried_later(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER = True
    endpoint = WebhookEndpointFactory(url="http://127.0.0.1:1/nothing-listens")

    delivery = ping(endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code is None
    assert delivery.last_error and delivery.next_attempt_at > timezone.now()
    assert len(delivery.last_error) <= 300


def test_during_the_secret_roll_both_secrets_sign_and_after_24_hours_only_the_new_one(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    old = endpoint.secret
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.endpoint_roll_secret(endpoint=endpoint)
        endpoint.refresh_from_db()
        new = endpoint.secret
        assert new != old
        ping(endpoint, django_capture_on_commit_callbacks)
        during = receiver.received[-1]
        assert during.headers["Lawzana-Signature"].count("v1=") == 2
        assert during.verified_with(old) and during.verified_with(new)
    with time_machine.travel(start + datetime.timedelta(hours=24, minutes=1), tick=False):
        ping(endpoint, django_capture_on_commit_callbacks)
        after = receiver.received[-1]
        # The receiver checks the time too: within the window of this later send.
        assert after.headers["Lawzana-Signature"].count("v1=") == 1
        assert after.verified_with(new) and not after.verified_with(old)


def test_the_user_agent_names_the_site_it_comes_from(endpoint, receiver, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://www.lawzana.cn"

    ping(endpoint, django_capture_on_commit_callbacks)

    assert receiver.received[0].headers["User-Agent"] == "Lawzana-Webhooks/1.0 (+https://www.lawzana.cn/)"


def test_a_delivery_whose_message_was_lost_is_sent_by_the_sweeper(
    endpoint, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.webhook_deliver, "delay", broker_down)
        delivery = ping(endpoint, django_capture_on_commit_callbacks)
        assert delivery.attempts == 0 and receiver.received == []
        assert services.webhooks_sweep() == 0  # still down: nothing lost, tried next time

    assert services.webhooks_sweep() == 1

    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and len(receiver.received) == 1


def test_a_replayed_signature_older_than_five_minutes_is_refused_by_the_example_verifier(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    from webhooks.verify_example import verify

    ping(endpoint, django_capture_on_commit_callbacks)
    received = receiver.received[0]
    signed_at = int(received.headers["Lawzana-Signature"].split(",")[0].removeprefix("t="))

    assert verify(received.body, received.headers["Lawzana-Signature"], endpoint.secret, now=signed_at + 299)
    assert not verify(received.body, received.headers["Lawzana-Signature"], endpoint.secret, now=signed_at + 301)
    assert not verify(received.body + b" ", received.headers["Lawzana-Signature"], endpoint.secret)


def test_the_sweeper_runs_every_minute_on_the_housekeeping_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["webhooks-sweep"]

    assert entry == {"task": "webhooks.tasks.webhooks_sweep", "schedule": 60}
    assert settings.CELERY_TASK_ROUTES["webhooks.tasks.webhooks_sweep"] == {"queue": "housekeeping"}
    assert settings.CELERY_TASK_ROUTES["webhooks.tasks.webhook_deliver"] == {"queue": "deliveries"}


def test_the_readme_shows_the_verifier_the_test_receiver_runs():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    verifier = (root / "webhooks" / "verify_example.py").read_text()
    readme = (root / "README.md").read_text()

    assert verifier[verifier.index("import hashlib") :] in readme
