"""A disabled endpoint receives nothing: what was queued for it is cancelled, not sent later,
and neither the send task nor the sweeper posts (or keeps picking up) a delivery of one."""

import datetime

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from webhooks import services, tasks, transport
from webhooks.models import WebhookAttempt, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpointFactory(url=receiver.url)


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_delivery_queued_before_its_endpoint_was_disabled_is_cancelled_and_never_sent(
    endpoint, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    # The broker is down at the commit: the test event waits in the outbox, due.
    with monkeypatch.context() as patched, django_capture_on_commit_callbacks(execute=True):
        patched.setattr(tasks.webhook_deliver, "delay", broker_down)
        delivery = services.endpoint_ping(endpoint=endpoint)

    assert services.endpoint_set_active(endpoint=endpoint, active=False) == 1
    assert tasks.webhook_deliver(delivery.pk) is False  # its lost message turns up after all
    assert services.webhooks_sweep() == 0
    # Enabled again, the endpoint gets new events, not the one it missed.
    services.endpoint_set_active(endpoint=endpoint, active=True)
    assert services.webhooks_sweep() == 0

    delivery.refresh_from_db()
    assert delivery.status == "cancelled" and delivery.next_attempt_at is None and delivery.attempts == 0
    assert receiver.received == []


def test_a_due_delivery_of_a_disabled_endpoint_is_not_posted_and_does_not_hold_up_the_sweeper(
    endpoint, receiver, monkeypatch
):
    # Written in the instant the owner disabled the endpoint, after its queue was cancelled.
    stray = WebhookDeliveryFactory(endpoint=endpoint, next_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    other = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    monkeypatch.setattr(services, "SWEEP_BATCH", 1)

    assert tasks.webhook_deliver(stray.pk) is False
    # The older stray does not take the batch's one place from the enabled endpoint's delivery.
    assert services.webhooks_sweep() == 1
    assert services.webhooks_sweep() == 0

    assert [r.key for r in receiver.received] == [str(other.key)]
    stray.refresh_from_db()
    assert stray.status == "cancelled" and stray.next_attempt_at is None and stray.attempts == 0
    assert not WebhookAttempt.objects.filter(delivery=stray).exists()


def test_a_failed_attempt_on_the_wire_while_the_owner_disables_the_endpoint_is_logged_and_not_retried(
    endpoint, receiver, monkeypatch
):
    receiver.answers = [500]
    delivery = WebhookDeliveryFactory(endpoint=endpoint, next_attempt_at=timezone.now())
    post = transport.post

    def post_while_the_owner_disables(*args, **kwargs):
        outcome = post(*args, **kwargs)
        assert services.endpoint_set_active(endpoint=endpoint, active=False) == 1
        return outcome

    monkeypatch.setattr(transport, "post", post_while_the_owner_disables)

    assert tasks.webhook_deliver(delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.status == "cancelled" and delivery.next_attempt_at is None
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    assert WebhookAttempt.objects.filter(delivery=delivery, status_code=500).count() == 1
    assert services.webhooks_sweep() == 0 and len(receiver.received) == 1


def test_a_test_event_for_a_disabled_endpoint_is_refused():
    endpoint = WebhookEndpointFactory(is_active=False)

    with pytest.raises(services.WebhookError, match="This endpoint is disabled"):
        services.endpoint_ping(endpoint=endpoint)

    assert not endpoint.deliveries.exists()
