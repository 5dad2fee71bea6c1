"""The client's own links: confirm, status, release contact details, download, withdraw, and
the privacy notice."""

import datetime
import json

import html5lib
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.models import Lead, Match
from intake.services import client_actions, delivery, submission
from lawzana import privacy
from tests.factories import FirmFactory, LeadFactory, MatchFactory

pytestmark = pytest.mark.django_db


def status_url(lead):
    return reverse("intake:lead_status", kwargs={"token": lead.token})


def release_url(lead, match):
    return reverse("intake:lead_release", kwargs={"token": lead.token, "match_id": match.pk})


def text_of(response):
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return " ".join(" ".join(tree.find(".//main").itertext()).split())


# --- Confirming the email address ---------------------------------------------------------


def test_the_confirmation_link_confirms_and_shows_the_status_page(client, django_capture_on_commit_callbacks):
    lead = LeadFactory(status=Lead.Status.NEW, confirmed_at=None)
    url = reverse("intake:lead_confirm", kwargs={"signed": submission.confirmation_token(lead)})

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == status_url(lead)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONFIRMED
    assert lead.confirmed_at is not None
    assert len(callbacks) == 1  # matching is enqueued after commit
    assert "your email address is confirmed" in text_of(client.get(response["Location"]))


def test_a_second_visit_to_the_confirmation_link_changes_nothing(client, django_capture_on_commit_callbacks):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    url = reverse("intake:lead_confirm", kwargs={"signed": submission.confirmation_token(lead)})

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)

    assert response.status_code == 302
    assert callbacks == []
    lead.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED


def test_opening_the_confirmation_link_twice_matches_and_notifies_the_firms_once(
    client, harbin, cyber_law, django_capture_on_commit_callbacks
):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="office@firm.example")
    lead = LeadFactory(city=harbin, practice_area=cyber_law, status=Lead.Status.NEW, confirmed_at=None)
    url = reverse("intake:lead_confirm", kwargs={"signed": submission.confirmation_token(lead)})

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url).status_code == 302

    assert lead.matches.count() == 1
    assert [m.to for m in mail.outbox] == [["office@firm.example"]]


@pytest.mark.parametrize("signed", ["nonsense", "MQ:1tX9Zq:forged-signature-value", "1"])
def test_a_bad_confirmation_link_is_a_friendly_404(client, signed, assert_valid_html):
    lead = LeadFactory(status=Lead.Status.NEW, confirmed_at=None)

    response = client.get(reverse("intake:lead_confirm", kwargs={"signed": signed}))

    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()
    assert_valid_html(response.content)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_an_expired_confirmation_link_is_a_404(client):
    lead = LeadFactory(status=Lead.Status.NEW, confirmed_at=None)
    url = reverse("intake:lead_confirm", kwargs={"signed": submission.confirmation_token(lead)})

    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(url)

    assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_the_confirmation_email_has_both_links_and_escapes_the_name(settings):
    lead = LeadFactory(status=Lead.Status.NEW, confirmed_at=None, confirmation_sent_at=None, name="<b>Zhao</b> & Co")

    # The clock stands still: the signed link carries the second it was made, and the one
    # rebuilt below must be made in the same second to be equal.
    with time_machine.travel(timezone.now(), tick=False):
        submission.lead_send_confirmation(lead_id=lead.pk)
        confirm_path = reverse("intake:lead_confirm", kwargs={"signed": submission.confirmation_token(lead)})

    message = mail.outbox[0]
    assert message.to == [lead.email]
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert settings.SITE_URL + confirm_path in part
        assert settings.SITE_URL + status_url(lead) in part
        assert "at most 3 law firms" in part
    assert "Hello <b>Zhao</b> & Co," in message.body  # plain text: shown as typed
    assert "<b>Zhao</b>" not in html
    assert "&lt;b&gt;Zhao&lt;/b&gt; &amp; Co" in html
    assert "\n" not in message.subject


# --- The status page ----------------------------------------------------------------------


def test_an_unknown_token_is_a_404_everywhere(client):
    LeadFactory()
    for name in ("lead_status", "lead_export", "lead_withdraw"):
        assert client.get(reverse(f"intake:{name}", kwargs={"token": "x" * 43})).status_code == 404
    response = client.post(reverse("intake:lead_release", kwargs={"token": "x" * 43, "match_id": 1}))
    assert response.status_code == 404


def test_the_status_page_is_private_and_valid_html(client, assert_valid_html):
    lead = LeadFactory()

    response = client.get(status_url(lead))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert_valid_html(response.content)


def test_the_status_page_lists_each_firm_with_its_status_in_words(client, harbin, cyber_law):
    lead = LeadFactory(city=harbin, practice_area=cyber_law, status=Lead.Status.MATCHED)
    received = MatchFactory(lead=lead, firm=FirmFactory(name="Songhua Law"), status=Match.Status.DELIVERED)
    MatchFactory(lead=lead, firm=FirmFactory(name="Late Partners"), status=Match.Status.EXPIRED)
    MatchFactory(lead=lead, round=2, firm=FirmFactory(name="Harbin Data Counsel"), status=Match.Status.VIEWED)
    MatchFactory(lead=LeadFactory(), firm=FirmFactory(name="Someone Else's Firm"))

    response = client.get(status_url(lead))

    page = text_of(response)
    assert "Your request was sent to 3 law firms." in page
    assert "Songhua Law Status: received" in page
    assert "Late Partners Status: expired — we passed your request to another firm" in page
    assert "Harbin Data Counsel Status: viewed" in page
    assert "Someone Else" not in page
    assert received.firm.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Match.Status.PENDING, "on its way"),
        (Match.Status.ACCEPTED, "accepted"),
        (Match.Status.DECLINED, "declined"),
        (Match.Status.EXPIRED, "expired: no answer in time"),
        (Match.Status.CANCELLED, "cancelled"),
    ],
)
def test_each_match_status_has_its_words(client, status, words):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    MatchFactory(lead=lead, firm=FirmFactory(name="Songhua Law"), status=status)

    assert f"Songhua Law Status: {words}" in text_of(client.get(status_url(lead)))


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Lead.Status.NEW, "Please confirm your email address."),
        (Lead.Status.CONFIRMED, "We are choosing up to 3 law firms"),
        (
            Lead.Status.UNMATCHED,
            "We have found no suitable law firm for your request yet. We keep looking for 14 days",
        ),
        (Lead.Status.EXPIRED, "This request has expired"),
        (Lead.Status.CLOSED, "This request is closed."),
    ],
)
def test_the_status_page_says_where_things_stand(client, status, words):
    lead = LeadFactory(status=status)

    assert words in text_of(client.get(status_url(lead)))


def test_the_description_and_the_firms_message_are_shown_as_text(client):
    lead = LeadFactory(description="<script>alert(1)</script>\nSecond line", status=Lead.Status.MATCHED)
    MatchFactory(lead=lead, status=Match.Status.ACCEPTED, firm_message='<img src=x onerror="alert(2)">Call us')

    content = client.get(status_url(lead)).content.decode()

    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nSecond line" in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;Call us" in content


# --- Giving contact details to a firm that accepted ---------------------------------------


def test_an_accepted_match_shows_the_firm_and_the_release_form(client, assert_valid_html):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    firm = FirmFactory(name="Songhua Law", email="cases@songhua.example", phone="+86 451 1234 5678")
    match = MatchFactory(lead=lead, firm=firm, status=Match.Status.ACCEPTED, firm_message="We can help this week.")
    pending = MatchFactory(lead=lead, firm=FirmFactory(email="quiet@firm.example"), status=Match.Status.DELIVERED)

    response = client.get(status_url(lead))

    content = response.content.decode()
    assert_valid_html(response.content)
    assert "cases@songhua.example" in content
    assert "+86 451 1234 5678" in content
    assert "We can help this week." in content
    assert f'action="{release_url(lead, match)}"' in content
    assert "Give my contact details to this firm" in content
    assert release_url(lead, pending) not in content  # no form for a firm that has not accepted
    assert pending.firm.email not in content


def test_releasing_gives_the_details_to_the_accepting_firm_only(client):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    accepted = MatchFactory(lead=lead, status=Match.Status.ACCEPTED)
    delivered = MatchFactory(lead=lead, status=Match.Status.DELIVERED)

    response = client.post(release_url(lead, accepted))

    assert response.status_code == 302
    assert response["Location"] == status_url(lead)
    accepted.refresh_from_db()
    assert accepted.contact_released_at is not None
    page = text_of(client.get(status_url(lead)))
    assert "You gave your contact details to this firm on" in page

    response = client.post(release_url(lead, delivered))

    assert response.status_code == 302
    delivered.refresh_from_db()
    assert delivered.contact_released_at is None
    assert "has not accepted your request" in text_of(client.get(status_url(lead)))


def test_releasing_another_requests_match_is_a_404_and_changes_nothing(client):
    mine = LeadFactory(status=Lead.Status.MATCHED)
    theirs = MatchFactory(lead=LeadFactory(status=Lead.Status.MATCHED), status=Match.Status.ACCEPTED)

    response = client.post(release_url(mine, theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.contact_released_at is None


def test_release_needs_a_post_with_a_csrf_token(client):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    match = MatchFactory(lead=lead, status=Match.Status.ACCEPTED)

    assert client.get(release_url(lead, match)).status_code == 405
    strict = client.__class__(enforce_csrf_checks=True)
    assert strict.post(release_url(lead, match)).status_code == 403
    match.refresh_from_db()
    assert match.contact_released_at is None


# --- Download and withdraw ----------------------------------------------------------------


def test_the_export_is_a_json_attachment_with_the_request_and_its_consents(client):
    lead = LeadFactory(name="Wang Fang", status=Lead.Status.MATCHED)
    MatchFactory(lead=lead, firm=FirmFactory(name="Songhua Law"))

    response = client.get(reverse("intake:lead_export", kwargs={"token": lead.token}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["request"]["name"] == "Wang Fang"
    assert data["request"]["email"] == lead.email
    assert {c["purpose"] for c in data["consents"]} == {"process", "share"}
    assert all(c["policy_version"] == privacy.POLICY_VERSION for c in data["consents"])
    assert [f["firm"] for f in data["firms"]] == ["Songhua Law"]


def test_the_withdraw_page_explains_and_changes_nothing(client, assert_valid_html):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    match = MatchFactory(lead=lead, status=Match.Status.DELIVERED)

    response = client.get(reverse("intake:lead_withdraw", kwargs={"token": lead.token}))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = text_of(response)
    assert "cancelled" in page and "told" in page and "erased" in page
    lead.refresh_from_db()
    match.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED and lead.erased_at is None
    assert match.status == Match.Status.DELIVERED


def test_withdrawing_cancels_the_matches_tells_the_firms_and_erases_the_data(
    client, harbin, cyber_law, django_capture_on_commit_callbacks
):
    lead = LeadFactory(city=harbin, practice_area=cyber_law, status=Lead.Status.MATCHED, name="Wang Fang")
    told = MatchFactory(lead=lead, firm=FirmFactory(email="cases@songhua.example"), status=Match.Status.VIEWED)
    pending = MatchFactory(lead=lead, status=Match.Status.PENDING, delivered_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:lead_withdraw", kwargs={"token": lead.token}))

    assert response.status_code == 302
    assert response["Location"] == status_url(lead)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.WITHDRAWN
    assert lead.is_erased and lead.name == client_actions.ERASED
    assert set(lead.matches.values_list("status", flat=True)) == {Match.Status.CANCELLED}
    # The firm that had the request is told; the one that never received it is not.
    assert [m.to for m in mail.outbox] == [["cases@songhua.example"]]
    message = mail.outbox[0]
    assert "withdrew" in message.body and cyber_law.name in message.body and "Harbin" in message.body
    assert "Wang Fang" not in message.body
    page = text_of(client.get(status_url(lead)))
    assert "You withdrew this request on" in page
    assert "erased" in page
    assert "Withdraw my request" not in page
    assert told.pk and pending.pk


def test_the_withdraw_link_of_a_withdrawn_request_leads_back_to_its_page(client):
    lead = LeadFactory(status=Lead.Status.WITHDRAWN, withdrawn_at=timezone.now())

    response = client.get(reverse("intake:lead_withdraw", kwargs={"token": lead.token}))

    assert response.status_code == 302
    assert response["Location"] == status_url(lead)


def test_withdrawing_needs_a_csrf_token(client):
    lead = LeadFactory(status=Lead.Status.MATCHED)
    strict = client.__class__(enforce_csrf_checks=True)

    assert strict.post(reverse("intake:lead_withdraw", kwargs={"token": lead.token})).status_code == 403
    lead.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED


# --- The privacy notice -------------------------------------------------------------------


def test_the_privacy_notice_has_every_section_and_the_current_version(client, settings, assert_valid_html):
    settings.LEAD_RETENTION_DAYS = 180

    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    assert_valid_html(response.content)
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    assert {
        "handler",
        "purposes",
        "categories",
        "retention",
        "recipients",
        "sensitive",
        "rights",
        "complaints",
    } <= ids
    page = text_of(response)
    assert f"Policy version {privacy.POLICY_VERSION}" in page
    assert "privacy@lawzana.example" in page
    assert "180 days" in page
    assert "At most 3 law firms" in page


def test_every_client_page_stays_public_under_a_default_deny_login_middleware():
    # docs/reliability.md A2: with LoginRequiredMiddleware on, these must still work without login.
    from django.urls import get_resolver

    from intake import urls

    callbacks = [pattern.callback for pattern in urls.urlpatterns]
    callbacks.append(get_resolver().resolve(reverse("privacy")).func)
    for callback in callbacks:
        assert getattr(callback, "login_required", True) is False, callback


def test_firm_emails_keep_names_readable_in_the_subject_and_escaped_in_html(harbin):
    from tests.factories import PracticeAreaFactory

    area = PracticeAreaFactory(name="Mergers & Acquisitions <Cross-border>")
    lead = LeadFactory(city=harbin, practice_area=area, status=Lead.Status.MATCHED, name="Wang Fang")
    match = MatchFactory(lead=lead, firm=FirmFactory(email="f@firm.example"), status="pending", delivered_at=None)

    delivery.match_deliver(match_id=match.pk)
    client_actions.match_notify_withdrawn(match_id=match.pk)

    new, withdrawn = mail.outbox
    assert new.subject == "New request: Mergers & Acquisitions <Cross-border> in Harbin"
    assert withdrawn.subject == "Request withdrawn: Mergers & Acquisitions <Cross-border> in Harbin"
    for message in (new, withdrawn):
        html = message.alternatives[0][0]
        assert "Mergers &amp; Acquisitions &lt;Cross-border&gt;" in html
        assert "<Cross-border>" not in html
        for part in (message.subject, message.body, html):
            assert "Wang Fang" not in part and lead.email not in part and "13812345678" not in part
