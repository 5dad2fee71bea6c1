"""When the client gives their contact details to a firm that accepted, the firm is emailed
them at once, exactly once, even when the broker or the SMTP server is down; the export lists
what each firm was actually sent, and erasure removes those copies (issue 16, items 15-16)."""

import datetime
import json
import logging

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from intake import redaction, tasks
from intake.models import Lead, Match
from intake.services import answers, client_actions, delivery, sweeps
from tests.factories import FirmFactory, LeadFactory, MatchFactory, MembershipFactory
from tests.intake import flaky_backend

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Zhao Min", "zhao.min@example.com", "+8613912345678"
OTHER_PARTY = "Harbin Ice Tech Co., Ltd."
DESCRIPTION = "My employer has not paid me for three months. Call me on 13912345678 or WeChat zhao_min88."


@pytest.fixture
def match(harbin, cyber_law):
    lead = LeadFactory(
        city=harbin,
        practice_area=cyber_law,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        description=DESCRIPTION,
        other_party=OTHER_PARTY,
        status=Lead.Status.MATCHED,
    )
    firm = FirmFactory(name="Songhua Law", email="cases@songhua.example")
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.PENDING, delivered_at=None)
    delivery.match_deliver(match_id=match.pk)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.ACCEPTED, responded_at=timezone.now())
    mail.outbox.clear()
    match.refresh_from_db()
    return match


@pytest.fixture
def flaky_smtp(settings, monkeypatch):
    from lawzana.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    settings.EMAIL_BACKEND = "tests.intake.flaky_backend.FlakyBackend"
    flaky_backend.FAILURES.clear()
    yield flaky_backend.FAILURES
    flaky_backend.FAILURES.clear()


def release(client, match, capture):
    with capture(execute=True):
        return client.post(reverse("intake:lead_release", kwargs={"token": match.lead.token, "match_id": match.pk}))


def firm_emails():
    return [m for m in mail.outbox if m.to == ["cases@songhua.example"]]


def release_while_the_broker_is_down(match, monkeypatch, capture):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched, capture(execute=True):
        patched.setattr(tasks.match_send_contact, "delay", broker_down)
        client_actions.match_release_contact(lead=match.lead, match_id=match.pk)


# --- Item 15: the firm gets the details at once, exactly once ---------------------------------


def test_releasing_emails_the_firm_the_clients_name_email_and_phone_at_once(
    client, match, django_capture_on_commit_callbacks
):
    response = release(client, match, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    (email,) = firm_emails()
    assert email.subject == f"The client gave you their contact details: {match.lead.practice_area.name} in Harbin"
    portal_url = reverse("portal:match", kwargs={"firm_slug": match.firm.slug, "public_id": match.public_id})
    for text in (email.body, email.alternatives[0][0]):
        assert NAME in text and EMAIL in text and PHONE in text
        assert portal_url in text
    match.refresh_from_db()
    assert match.contact_sent_at is not None
    assert match.sent_contact == {"name": NAME, "email": EMAIL, "phone": PHONE}


def test_the_members_who_receive_request_emails_get_it(client, match, django_capture_on_commit_callbacks):
    member = MembershipFactory(firm=match.firm, user__email="lawyer@songhua.example")

    release(client, match, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[member.user.email]]


def test_a_repeated_task_or_a_second_release_sends_nothing_more(client, match, django_capture_on_commit_callbacks):
    release(client, match, django_capture_on_commit_callbacks)
    release(client, match, django_capture_on_commit_callbacks)

    assert client_actions.match_send_contact(match_id=match.pk) is False
    tasks.match_send_contact.apply(args=[match.pk])
    sweeps.matches_sweep()
    assert len(firm_emails()) == 1


def test_a_release_made_while_the_broker_was_down_reaches_the_firm_once_later(
    match, monkeypatch, django_capture_on_commit_callbacks
):
    release_while_the_broker_is_down(match, monkeypatch, django_capture_on_commit_callbacks)
    assert firm_emails() == []

    sweeps.matches_sweep()  # too soon: the task may still be on its way
    assert firm_emails() == []
    Match.objects.filter(pk=match.pk).update(contact_released_at=timezone.now() - datetime.timedelta(minutes=5))
    sweeps.matches_sweep()
    sweeps.matches_sweep()

    assert len(firm_emails()) == 1
    match.refresh_from_db()
    assert match.contact_sent_at is not None


def test_temporary_smtp_refusals_are_retried_until_sent_once(match, flaky_smtp, settings):
    settings.MATCH_DELIVERY_RETRY_BASE_SECONDS = 0
    Match.objects.filter(pk=match.pk).update(
        contact_released_at=timezone.now(), sent_contact={"name": NAME, "email": EMAIL, "phone": PHONE}
    )
    flaky_smtp.extend([451, 421])

    tasks.match_send_contact.apply(args=[match.pk])

    assert len(firm_emails()) == 1
    match.refresh_from_db()
    assert match.contact_sent_at is not None


def test_a_task_that_ran_out_of_retries_is_sent_by_the_sweeper(match, flaky_smtp, settings):
    settings.MATCH_DELIVERY_RETRY_BASE_SECONDS = 0
    released = timezone.now() - datetime.timedelta(minutes=5)
    Match.objects.filter(pk=match.pk).update(
        contact_released_at=released, sent_contact={"name": NAME, "email": EMAIL, "phone": PHONE}
    )
    flaky_smtp.extend([451] * 7)

    tasks.match_send_contact.apply(args=[match.pk])
    assert firm_emails() == []
    match.refresh_from_db()
    assert match.contact_sent_at is None

    sweeps.matches_sweep()

    assert len(firm_emails()) == 1


def test_a_permanent_refusal_stops_and_never_logs_the_contact_details(match, flaky_smtp, caplog):
    Match.objects.filter(pk=match.pk).update(
        contact_released_at=timezone.now(), sent_contact={"name": NAME, "email": EMAIL, "phone": PHONE}
    )
    flaky_smtp.extend([550, 550])

    with caplog.at_level(logging.DEBUG):
        tasks.match_send_contact.apply(args=[match.pk])

    assert flaky_smtp == [550]  # not retried
    match.refresh_from_db()
    assert match.contact_sent_at is not None
    assert "not deliverable" in caplog.text
    for secret in (NAME, EMAIL, PHONE, "13912345678"):
        assert secret not in caplog.text


def test_nothing_is_sent_for_a_withdrawn_request(client, match, monkeypatch, django_capture_on_commit_callbacks):
    release_while_the_broker_is_down(match, monkeypatch, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        client_actions.lead_withdraw(lead=match.lead)

    assert client_actions.match_send_contact(match_id=match.pk) is False
    assert firm_emails() == []


# --- Item 16: the export lists what each firm was sent, and erasure removes it ----------------


def export(client, lead):
    return json.loads(client.get(reverse("intake:lead_export", kwargs={"token": lead.token})).content)


def test_the_export_lists_the_summary_and_the_contact_details_as_sent(
    client, match, monkeypatch, django_capture_on_commit_callbacks
):
    release(client, match, django_capture_on_commit_callbacks)
    sent_summary = redaction.redacted_summary(DESCRIPTION)
    assert "13912345678" not in sent_summary and "zhao_min88" not in sent_summary

    # The redaction rules change afterwards: the export still says what went out.
    monkeypatch.setattr(redaction, "redacted_summary", lambda text: "something else")
    (firm,) = export(client, match.lead)["firms"]

    assert firm["firm"] == "Songhua Law"
    assert firm["request_as_sent"]["summary"] == sent_summary
    assert firm["request_as_sent"]["city"] == match.lead.city.display_name
    assert firm["request_as_sent"]["urgency"] == match.lead.get_urgency_display()
    assert firm["contact_details_sent"] == {"name": NAME, "email": EMAIL, "phone": PHONE}
    assert firm["contact_details_emailed_at"] is not None


def test_a_firm_that_did_not_get_the_details_is_listed_without_them(client, match):
    (firm,) = export(client, match.lead)["firms"]

    assert firm["request_as_sent"]["summary"] == redaction.redacted_summary(DESCRIPTION)
    assert firm["contact_details_sent"] is None
    assert firm["contact_details_released_at"] is None


def test_a_match_opened_in_the_portal_before_its_email_records_what_the_firm_saw(client, harbin, cyber_law):
    lead = LeadFactory(city=harbin, practice_area=cyber_law, description=DESCRIPTION, status=Lead.Status.MATCHED)
    match = MatchFactory(lead=lead, status=Match.Status.PENDING, delivered_at=None)

    assert answers.match_mark_viewed(match_id=match.pk)

    match.refresh_from_db()
    assert match.sent_summary == redaction.redacted_summary(DESCRIPTION)
    assert match.sent_fields["practice_area"] == cyber_law.name


def assert_copies_erased(match):
    match.refresh_from_db()
    assert (match.sent_summary, match.sent_fields, match.sent_contact) == ("", None, None)
    stored = json.dumps(list(Match.objects.filter(pk=match.pk).values()), default=str)
    for secret in (NAME, EMAIL, "13912345678", "three months", OTHER_PARTY, "Harbin Ice"):
        assert secret not in stored


@pytest.mark.parametrize("how", ["withdraw", "erase", "retention"])
def test_erasing_the_request_erases_the_copies_sent_to_firms(
    client, match, how, settings, django_capture_on_commit_callbacks
):
    release(client, match, django_capture_on_commit_callbacks)
    match.refresh_from_db()
    assert match.sent_contact and match.sent_summary

    with django_capture_on_commit_callbacks(execute=False):
        if how == "withdraw":
            client_actions.lead_withdraw(lead=match.lead)
        elif how == "erase":
            client_actions.lead_erase(lead=match.lead)
        else:
            Lead.objects.filter(pk=match.lead_id).update(
                created_at=timezone.now() - datetime.timedelta(days=settings.LEAD_RETENTION_DAYS + 1)
            )
            assert sweeps.leads_erase_expired() == 1

    assert_copies_erased(match)
    # The other party named for the conflict check is personal data too (issue 23).
    lead = Lead.objects.get(pk=match.lead_id)
    assert lead.other_party == "" and lead.is_erased
    stored = json.dumps(list(Lead.objects.filter(pk=lead.pk).values()), default=str)
    for secret in (NAME, EMAIL, OTHER_PARTY, "Harbin Ice"):
        assert secret not in stored
    (firm,) = export(client, match.lead)["firms"]
    assert firm["request_as_sent"] is None and firm["contact_details_sent"] is None
