"""After sending, the client sees where the confirmation went, can have it sent again (a few
times), and can correct a mistyped address; the links that went to the wrong address stop
working."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from intake.models import Lead
from tests.intake.test_form import walk

pytestmark = pytest.mark.django_db

SENT = reverse("intake:lead_submitted")


@pytest.fixture(autouse=True)
def _form_settings(settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1000/m"
    settings.LEAD_EMAIL_CONFIRMATION = True


@pytest.fixture
def sent(client, harbin, cyber_law, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert walk(client, cyber_law, harbin, contact={"contact-email": "wang.fnag@example.com"}).status_code == 302
    return Lead.objects.get()


def text_of(response):
    """The page's words, without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace(" .", ".")


def links_in(message):
    return re.findall(r"https?://\S+?/requests/\S+?/", message.body)


def test_the_sent_page_names_the_address_and_offers_to_resend_and_correct(client, sent):
    page = client.get(SENT)

    assert page.status_code == 200
    assert "We sent a link to wang.fnag@example.com" in text_of(page)
    assert reverse("intake:lead_resend") in page.content.decode()
    assert reverse("intake:lead_correct_email") in page.content.decode()


def test_another_browser_sees_no_address(client, sent):
    page = Client().get(SENT)

    assert "wang.fnag@example.com" not in page.content.decode()
    assert reverse("intake:lead_resend") not in page.content.decode()


def test_the_email_can_be_sent_again_a_few_times_then_it_waits(client, sent, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("intake:lead_resend"), follow=True)
        assert "We sent the email again" in text_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("intake:lead_resend"), follow=True)

    assert [m.to for m in mail.outbox] == [["wang.fnag@example.com"]] * 3
    assert "already sent it again 3 times" in text_of(refused)


def test_a_mistyped_address_is_corrected_and_the_old_links_stop_working(
    client, sent, django_capture_on_commit_callbacks
):
    first = mail.outbox[-1]
    old_status, old_confirm = sorted(links_in(first), key=len)[0], None
    old_confirm = next(link for link in re.findall(r"https?://\S+", first.body) if "/confirm/" in link)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:lead_correct_email"), {"email": "wang.fang@example.com"}, follow=True)

    sent.refresh_from_db()
    assert sent.email == "wang.fang@example.com"
    assert "We sent a link to wang.fang@example.com" in text_of(response)
    assert [m.to for m in mail.outbox] == [["wang.fang@example.com"]]
    path = old_status.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 404  # the page the wrong address got
    confirm_path = old_confirm.split("://", 1)[1].split("/", 1)[1]
    client.get(f"/{confirm_path}")
    sent.refresh_from_db()
    assert sent.status == Lead.Status.NEW  # nor does its confirmation link confirm
    new_confirm = next(link for link in re.findall(r"https?://\S+", mail.outbox[0].body) if "/confirm/" in link)
    client.get("/" + new_confirm.split("://", 1)[1].split("/", 1)[1])
    sent.refresh_from_db()
    assert sent.status == Lead.Status.CONFIRMED


def test_a_wrong_correction_keeps_the_address_and_says_why(client, sent):
    response = client.post(reverse("intake:lead_correct_email"), {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter a valid email address" in text_of(response)
    sent.refresh_from_db()
    assert sent.email == "wang.fnag@example.com"


def test_once_confirmed_the_address_is_no_longer_changed_here(client, sent):
    Lead.objects.filter(pk=sent.pk).update(status=Lead.Status.CONFIRMED)

    response = client.post(reverse("intake:lead_correct_email"), {"email": "other@example.com"}, follow=True)

    sent.refresh_from_db()
    assert sent.email == "wang.fnag@example.com"
    assert "already confirmed" in text_of(response)
    assert reverse("intake:lead_correct_email") not in client.get(SENT).content.decode()


def test_without_a_request_of_this_browser_the_actions_do_nothing(client):
    assert client.post(reverse("intake:lead_resend")).status_code == 302
    assert client.post(reverse("intake:lead_correct_email"), {"email": "x@example.com"}).status_code == 302
    assert mail.outbox == []
