"""A firm's system told of its request's life through a real HTTP receiver: signed, once per
event, and never the client's contact details before the client released them (issue 22)."""

import json

import pytest
from django.urls import reverse

from intake.models import Lead, Match
from intake.services import answers, client_actions, delivery
from tests.factories import FirmFactory, LeadFactory, MatchFactory, MembershipFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Zhao Min", "zhao.min@example.com", "+8613912345678"
DESCRIPTION = "My employer has not paid me for three months. Call me on 13912345678 or WeChat zhao_min88."
CONTACT = [NAME, EMAIL, PHONE, "13912345678"]


@pytest.fixture
def firm():
    return FirmFactory(name="Songhua Law", email="cases@songhua.example")


@pytest.fixture
def owner(client, firm):
    membership = MembershipFactory(firm=firm, owner=True)
    client.force_login(membership.user)
    return membership.user


@pytest.fixture
def lead(harbin, cyber_law):
    return LeadFactory(
        city=harbin,
        practice_area=cyber_law,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        description=DESCRIPTION,
        status=Lead.Status.MATCHED,
    )


def add_endpoint(client, firm, url) -> WebhookEndpoint:
    response = client.post(reverse("portal:webhook_add", kwargs={"firm_slug": firm.slug}), {"url": url})
    assert response.status_code == 200, response.content
    endpoint = WebhookEndpoint.objects.get(firm=firm)
    # Shown once, on this page, in full; afterwards only its last characters.
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    listing = client.get(reverse("portal:webhooks", kwargs={"firm_slug": firm.slug})).content.decode()
    assert endpoint.secret not in listing and endpoint.secret_hint in listing
    return endpoint


def test_an_owner_adds_an_endpoint_and_it_hears_of_each_event_signed_and_without_contact_before_release(
    client, firm, owner, lead, receiver, django_capture_on_commit_callbacks
):
    endpoint = add_endpoint(client, firm, receiver.url)
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.PENDING, delivered_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.match_deliver(match_id=match.pk) is True

    assert receiver.events() == ["request.received"]
    received = receiver.received[0]
    assert received.verified_with(endpoint.secret)
    assert not received.verified_with("whsec_someone-elses")
    assert received.path == "/lawzana/webhook"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["User-Agent"].startswith("Lawzana-Webhooks/")
    request = received.payload["data"]["request"]
    assert received.payload["type"] == "request.received"
    assert received.payload["id"] == received.key
    assert request["id"] == str(match.public_id)
    assert request["status"] == "delivered"
    assert request["city"] == "Harbin, China" and request["urgency"] == lead.urgency
    assert "three months" in request["summary"]
    assert request["portal_url"].endswith(f"/portal/{firm.slug}/requests/{match.public_id}/")
    assert "contact" not in received.payload["data"]

    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(match_id=match.pk, user=owner, message="We can help you with the unpaid wages.")

    assert receiver.events() == ["request.received", "request.accepted"]
    assert receiver.received[1].verified_with(endpoint.secret)
    assert receiver.received[1].payload["data"]["request"]["status"] == "accepted"

    # Nothing sent so far carries the client's name, email or phone, in any form.
    for sent in receiver.received:
        for detail in CONTACT:
            assert detail not in sent.body.decode(), (sent.event, detail)

    with django_capture_on_commit_callbacks(execute=True):
        client_actions.match_release_contact(lead=lead, match_id=match.pk)

    released = receiver.received[2]
    assert released.event == "contact.released" and released.verified_with(endpoint.secret)
    assert released.payload["data"]["contact"] == {"name": NAME, "email": EMAIL, "phone": PHONE}

    with django_capture_on_commit_callbacks(execute=True):
        client_actions.lead_withdraw(lead=lead)

    withdrawn = receiver.received[3]
    assert receiver.events() == ["request.received", "request.accepted", "contact.released", "request.withdrawn"]
    assert withdrawn.verified_with(endpoint.secret)
    assert withdrawn.payload["data"]["request"]["status"] == "cancelled"
    assert withdrawn.payload["data"]["request"]["summary"] is None
    for detail in CONTACT:
        assert detail not in withdrawn.body.decode()
    # Each event once, each with its own idempotency key.
    assert len({r.key for r in receiver.received}) == 4
    assert WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SUCCEEDED).count() == 4


def test_no_payload_before_the_release_holds_the_clients_name_email_or_phone(
    firm, owner, lead, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(firm=firm, url="https://hooks.example.com/lawzana")
    other = FirmFactory(email="office@other.example")
    WebhookEndpoint.objects.create(firm=other, url="https://other.example.com/lawzana")
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.PENDING, delivered_at=None)
    declined = MatchFactory(lead=lead, firm=other, status=Match.Status.PENDING, delivered_at=None)

    # The outbox rows, not the sends (no callbacks run): what would go out.
    delivery.match_deliver(match_id=match.pk)
    delivery.match_deliver(match_id=declined.pk)
    answers.match_accept(match_id=match.pk, user=owner, message="We can help you with the unpaid wages.")

    payloads = [json.dumps(d.payload, ensure_ascii=False) for d in WebhookDelivery.objects.all()]
    assert len(payloads) == 3
    for payload in payloads:
        for detail in CONTACT:
            assert detail not in payload
    # Each firm hears only of its own matches.
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2


def test_a_disabled_endpoint_gets_no_events_and_a_firm_without_endpoints_costs_nothing(firm, lead):
    endpoint = WebhookEndpoint.objects.create(firm=firm, url="https://hooks.example.com/x", is_active=False)
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.PENDING, delivered_at=None)

    delivery.match_deliver(match_id=match.pk)

    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_erasing_the_request_erases_its_webhook_payloads(firm, owner, lead, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(firm=firm, url="https://hooks.example.com/lawzana")
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.PENDING, delivered_at=None)
    delivery.match_deliver(match_id=match.pk)
    answers.match_accept(match_id=match.pk, user=owner, message="We can help you with the unpaid wages.")
    client_actions.match_release_contact(lead=lead, match_id=match.pk)
    assert EMAIL in json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)))

    client_actions.lead_erase(lead=lead)

    stored = json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)), ensure_ascii=False)
    for detail in [*CONTACT, "three months"]:
        assert detail not in stored
    released = WebhookDelivery.objects.get(event="contact.released")
    assert released.payload["data"]["contact"] is None
    assert released.payload["data"]["request"]["id"] == str(match.public_id)


def test_an_event_rolled_back_with_its_transaction_leaves_no_delivery(firm, lead):
    from django.db import transaction

    WebhookEndpoint.objects.create(firm=firm, url="https://hooks.example.com/lawzana")
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.ACCEPTED)

    with pytest.raises(RuntimeError), transaction.atomic():
        client_actions.match_release_contact(lead=lead, match_id=match.pk)
        raise RuntimeError("the request failed after the release")

    assert not WebhookDelivery.objects.exists()
