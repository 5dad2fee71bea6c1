"""The portal's webhook pages: owners change, members look, other firms get 404 (GET and POST)."""

import socket

import pytest
from django.urls import reverse

from tests.factories import FirmFactory, MembershipFactory, WebhookDeliveryFactory, WebhookEndpointFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

ACTIONS = ["webhook_roll", "webhook_toggle", "webhook_delete", "webhook_test"]


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))],
    )


@pytest.fixture
def firm_a():
    return FirmFactory(name="Songhua Law")


@pytest.fixture
def endpoint(firm_a):
    return WebhookEndpointFactory(firm=firm_a, url="https://crm.songhua.example/hook")


def url(name, firm, **kwargs):
    return reverse(f"portal:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def every_url(firm, endpoint):
    return [url("webhooks", firm), url("webhook_add", firm)] + [url(a, firm, pk=endpoint.pk) for a in ACTIONS]


def test_another_firms_owner_gets_404_on_every_webhook_url_of_firm_a(client, firm_a, endpoint):
    other = MembershipFactory(owner=True)
    client.force_login(other.user)
    secret = endpoint.secret

    for address in every_url(firm_a, endpoint):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"url": "https://evil.example/hook"}).status_code == 404, address
    # With their own firm in the path and firm A's endpoint id: still nothing to find.
    for action in ACTIONS:
        assert client.post(url(action, other.firm, pk=endpoint.pk)).status_code == 404, action

    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.secret == secret
    assert WebhookEndpoint.objects.count() == 1 and not WebhookDelivery.objects.exists()


def test_a_member_sees_the_endpoints_but_cannot_add_roll_toggle_delete_or_test(client, firm_a, endpoint):
    member = MembershipFactory(firm=firm_a)
    client.force_login(member.user)
    WebhookDeliveryFactory(endpoint=endpoint, event="request.received", last_status_code=500, last_error="HTTP 500")

    page = client.get(url("webhooks", firm_a))
    assert page.status_code == 200
    content = page.content.decode()
    assert endpoint.url in content and "HTTP 500" in content
    assert endpoint.secret not in content and endpoint.secret_hint in content
    assert "Roll the secret" not in content

    assert client.get(url("webhook_add", firm_a)).status_code == 403
    assert client.post(url("webhook_add", firm_a), {"url": "https://x.example/hook"}).status_code == 403
    for action in ACTIONS:
        assert client.post(url(action, firm_a, pk=endpoint.pk)).status_code == 403, action
    assert WebhookEndpoint.objects.count() == 1


@pytest.fixture
def owner(client, firm_a):
    membership = MembershipFactory(firm=firm_a, owner=True)
    client.force_login(membership.user)
    return membership.user


def test_the_test_event_button_queues_a_ping_through_the_outbox(
    client, firm_a, endpoint, owner, monkeypatch, django_capture_on_commit_callbacks
):
    from webhooks import tasks

    sent = []
    monkeypatch.setattr(tasks.webhook_deliver, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("webhook_test", firm_a, pk=endpoint.pk), follow=True)

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event == "ping" and delivery.status == "pending"
    assert sent == [delivery.pk]
    assert "A test event is queued" in response.content.decode()
    assert "ping" in response.content.decode()


def test_an_owner_rolls_the_secret_and_sees_the_new_one_once(client, firm_a, endpoint, owner):
    old = endpoint.secret

    response = client.post(url("webhook_roll", firm_a, pk=endpoint.pk))

    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old and endpoint.in_overlap
    content = response.content.decode()
    assert endpoint.secret in content and old not in content
    assert "24 hours" in content
    listing = client.get(url("webhooks", firm_a)).content.decode()
    assert endpoint.secret not in listing and "previous secret also signs until" in listing


def test_an_owner_disables_enables_and_deletes_an_endpoint(client, firm_a, endpoint, owner):
    client.post(url("webhook_toggle", firm_a, pk=endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    client.post(url("webhook_toggle", firm_a, pk=endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.is_active

    response = client.post(url("webhook_delete", firm_a, pk=endpoint.pk))

    assert response.status_code == 302 and not WebhookEndpoint.objects.exists()


def test_a_firm_has_at_most_five_endpoints(client, firm_a, owner):
    WebhookEndpointFactory.create_batch(5, firm=firm_a)

    response = client.post(url("webhook_add", firm_a), {"url": "https://sixth.example.com/hook"})

    assert response.status_code == 200
    assert "at most 5 webhook endpoints" in response.content.decode()
    assert WebhookEndpoint.objects.filter(firm=firm_a).count() == 5


def test_the_form_says_why_an_address_is_refused(client, firm_a, owner):
    response = client.post(url("webhook_add", firm_a), {"url": "https://169.254.169.254/latest/meta-data/"})

    assert response.status_code == 200
    assert "must name a public server" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_integrations_page_sums_up_the_webhooks_and_links_to_them(client, firm_a, endpoint, owner):
    WebhookDeliveryFactory(endpoint=endpoint, status="failed")

    content = client.get(url("integrations", firm_a)).content.decode()

    assert "1 endpoint is set up." in content and "1 delivery failed for good." in content
    assert url("webhooks", firm_a) in content


def test_the_pages_are_valid_html(client, firm_a, endpoint, owner, assert_valid_html):
    WebhookDeliveryFactory(endpoint=endpoint)
    for address in [url("webhooks", firm_a), url("webhook_add", firm_a), url("integrations", firm_a)]:
        assert_valid_html(client.get(address).content)
    assert_valid_html(client.post(url("webhook_roll", firm_a, pk=endpoint.pk)).content)


def test_a_disabled_endpoint_offers_no_test_event_and_refuses_one_posted_anyway(client, firm_a, endpoint, owner):
    enabled = WebhookEndpointFactory(firm=firm_a)
    client.post(url("webhook_toggle", firm_a, pk=endpoint.pk))

    page = client.get(url("webhooks", firm_a)).content.decode()
    assert url("webhook_test", firm_a, pk=enabled.pk) in page
    assert url("webhook_test", firm_a, pk=endpoint.pk) not in page

    response = client.post(url("webhook_test", firm_a, pk=endpoint.pk), follow=True)

    content = response.content.decode()
    assert "This endpoint is disabled: enable it before sending a test event." in content
    assert "A test event is queued" not in content
    assert not WebhookDelivery.objects.exists()


def test_disabling_an_endpoint_cancels_what_was_queued_and_the_log_shows_it(client, firm_a, endpoint, owner):
    WebhookDeliveryFactory.create_batch(2, endpoint=endpoint)
    WebhookDeliveryFactory(endpoint=endpoint, status="succeeded")

    response = client.post(url("webhook_toggle", firm_a, pk=endpoint.pk), follow=True)

    content = response.content.decode()
    assert "is disabled: nothing is sent to it until you enable it again." in content
    assert "2 queued deliveries are cancelled: they will not be sent." in content
    assert content.count(">Cancelled</td>") == 2 and content.count(">Delivered</td>") == 1
    # Enabled again, it gets new events only; a cancellation is not a failure of the firm's system.
    client.post(url("webhook_toggle", firm_a, pk=endpoint.pk))
    statuses = sorted(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "cancelled", "succeeded"]
    assert "failed for good" not in client.get(url("integrations", firm_a)).content.decode()
