"""Answering a request from the portal: accept (with a quote), decline, return. Scoped to the
firm (A3), shown only what A5 allows, refused once the request's state forbids it (A6)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.models import Lead, Match
from intake.services import answers, client_actions, delivery
from intake.services import response as response_figures
from tests.factories import (
    FirmFactory,
    FirmUserFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    StaffFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Zhao Min"
CLIENT_EMAIL = "zhao.min@example.com"
CLIENT_PHONE = "+8613912345678"
SECRETS = (CLIENT_NAME, CLIENT_EMAIL, "13912345678")
MESSAGE = "We handle data breaches every week and can advise you this week."


def url(name, match, firm=None):
    return reverse(f"portal:{name}", kwargs={"firm_slug": (firm or match.firm).slug, "public_id": match.public_id})


@pytest.fixture
def member(client):
    membership = MembershipFactory(firm=FirmFactory(name="Songhua Law", email="cases@songhua.example"))
    client.force_login(membership.user)
    return membership


@pytest.fixture
def lead(harbin, cyber_law):
    return LeadFactory(
        city=harbin,
        practice_area=cyber_law,
        name=CLIENT_NAME,
        email=CLIENT_EMAIL,
        phone=CLIENT_PHONE,
        status=Lead.Status.MATCHED,
        description="Our shop leaked emails. The full story: " + "details " * 100 + "THE-END",
    )


@pytest.fixture
def match(member, lead):
    return MatchFactory(firm=member.firm, lead=lead, status="viewed")


def accept_data(**overrides):
    data = {
        "accept-message": MESSAGE,
        "accept-fee_model": "range",
        "accept-amount_min": "5000",
        "accept-amount_max": "8000",
        "accept-currency": "CNY",
        "accept-covers": "A written opinion and one meeting",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def snapshot(match):
    match.refresh_from_db()
    return {
        field.attname: getattr(match, field.attname) for field in Match._meta.concrete_fields if field.attname != "id"
    }


# --- Accept -------------------------------------------------------------------------------------


def test_accepting_records_the_answer_and_emails_the_client_once(
    client, member, match, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("match_accept", match), accept_data())

    assert response.status_code == 302
    assert response["Location"] == url("match", match)
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED
    assert match.responded_by == member.user
    assert match.responded_at is not None
    assert match.firm_message == MESSAGE
    assert (match.quote_fee_model, match.quote_amount_min, match.quote_amount_max, match.quote_currency) == (
        "range",
        Decimal("5000"),
        Decimal("8000"),
        "CNY",
    )
    assert match.quote_covers == "A written opinion and one meeting"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [CLIENT_EMAIL]
    html = message.alternatives[0][0]
    assert message.subject == "Songhua Law accepted your request"
    for part in (message.body, html):
        assert "Songhua Law" in part
        assert MESSAGE in part
        assert "5,000–8,000 CNY" in part
        assert "A written opinion and one meeting" in part
        assert reverse("intake:lead_status", kwargs={"token": match.lead.token}) in part


def test_after_accepting_the_page_shows_the_full_description_but_no_contact_details(
    client, match, django_capture_on_commit_callbacks, assert_valid_html
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("match_accept", match), accept_data(), follow=True)

    content = response.content.decode()
    assert_valid_html(content)
    assert "You accepted the request." in content
    assert "THE-END" in content
    assert "5,000–8,000 CNY" in content
    assert "The client has not given you their contact details yet." in content
    for secret in SECRETS:
        assert secret not in content
    assert 'action="' + url("match_accept", match) not in content


def test_contact_details_in_the_description_stay_hidden_until_the_client_releases_them(
    client, match, django_capture_on_commit_callbacks
):
    typed = "Call me on 138 1234 5678 or WeChat lina_audit; the shop is at Zhongshan Road."
    Lead.objects.filter(pk=match.lead_id).update(description=typed)
    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(match_id=match.pk, user=match.firm.memberships.get().user, message=MESSAGE)

    accepted = client.get(url("match", match)).content.decode()
    client_actions.match_release_contact(lead=match.lead, match_id=match.pk)
    released = client.get(url("match", match)).content.decode()

    assert "the shop is at Zhongshan Road." in accepted
    assert "5678" not in accepted and "lina_audit" not in accepted
    assert "stays hidden until the client gives you their contact details" in accepted
    assert typed in released


def test_an_accept_without_a_quote_is_fine(client, match, django_capture_on_commit_callbacks):
    data = accept_data(**{f"accept-{name}": None for name in ("fee_model", "amount_min", "amount_max", "currency")})
    data.pop("accept-covers")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("match_accept", match), data)

    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED and not match.has_quote
    assert "Their quote" not in mail.outbox[0].body


def test_a_fee_on_request_takes_no_amount_or_currency(client, match, django_capture_on_commit_callbacks):
    data = accept_data(**{"accept-fee_model": "on_request", "accept-amount_min": "", "accept-amount_max": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("match_accept", match), data)

    match.refresh_from_db()
    assert match.quote_fee_model == "on_request"
    assert match.quote_amount_min is None and match.quote_currency == ""


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"accept-amount_min": "9000", "accept-amount_max": "8000"}, "amount_max", "cannot be less than"),
        ({"accept-amount_min": "-5"}, "amount_min", "greater than or equal to 0.01"),
        ({"accept-amount_min": "0"}, "amount_min", "greater than or equal to 0.01"),
        ({"accept-amount_max": "-1"}, "amount_max", "greater than or equal to 0.01"),
        ({"accept-currency": ""}, "currency", "Choose the currency"),
        ({"accept-currency": "XYZ"}, "currency", "Select a valid choice"),
        ({"accept-fee_model": "flat", "accept-amount_min": ""}, "amount_min", "Give the amount"),
        ({"accept-amount_max": ""}, "amount_max", "A range needs"),
        ({"accept-fee_model": "on_request"}, "amount_min", "takes no amount"),
        ({"accept-fee_model": ""}, "fee_model", "Choose a fee model"),
        ({"accept-fee_model": "barter"}, "fee_model", "Select a valid choice"),
        ({"accept-amount_min": "abc"}, "amount_min", "Enter a number"),
        ({"accept-amount_min": "1" * 20}, "amount_min", "no more than 12 digits"),
        ({"accept-message": "Call us."}, "message", "at least 20 characters"),
        ({"accept-message": "x" * 2001}, "message", "at most 2000 characters"),
        ({"accept-message": None}, "message", "This field is required"),
        ({"accept-covers": "x" * 301}, "covers", "at most 300 characters"),
    ],
)
def test_a_bad_accept_shows_the_error_and_changes_nothing(
    client, match, overrides, field, error, django_capture_on_commit_callbacks, assert_valid_html
):
    before = snapshot(match)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("match_accept", match), accept_data(**overrides))

    assert response.status_code == 400
    assert error in " ".join(response.context["accept_form"].errors[field])
    content = response.content.decode()
    assert_valid_html(content)
    assert f'id="id_accept-{field}_error"' in content
    assert snapshot(match) == before
    assert mail.outbox == []


def test_the_service_refuses_an_inconsistent_quote(match, member):
    with pytest.raises(ValueError):
        answers.match_accept(
            match_id=match.pk,
            user=member.user,
            message=MESSAGE,
            quote={"fee_model": "flat", "amount_min": Decimal("10"), "currency": ""},
        )
    with pytest.raises(ValueError):
        answers.match_accept(match_id=match.pk, user=member.user, message="too short")
    match.refresh_from_db()
    assert match.status == Match.Status.VIEWED


def test_the_email_to_the_client_escapes_the_firms_message(client, match, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("match_accept", match), accept_data(**{"accept-message": "<script>alert(1)</script> " * 2}))

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- Decline and return ----------------------------------------------------------------------------


def test_declining_records_the_reason_and_hides_the_request(client, member, match):
    response = client.post(url("match_decline", match), {"decline-reason": "capacity", "decline-note": "Full."})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:inbox", kwargs={"firm_slug": member.firm.slug})
    match.refresh_from_db()
    assert (match.status, match.decline_reason, match.firm_message) == ("declined", "capacity", "Full.")
    assert match.responded_by == member.user and match.responded_at is not None
    assert client.get(url("match", match)).status_code == 404
    inbox = client.get(response["Location"]).content.decode()
    assert "You declined the request." in inbox
    assert mail.outbox == []


def test_returning_records_the_reason_and_counts_in_the_inbox(client, member, match):
    response = client.post(url("match_return", match), {"return-reason": "spam"}, follow=True)

    content = response.content.decode()
    assert "You returned the request." in content
    assert 'Returned: <span class="inbox-counts__n">1</span>' in content
    match.refresh_from_db()
    assert (match.status, match.return_reason) == ("returned", "spam")
    assert client.get(url("match", match)).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("match_decline", {}, "reason"),
        ("match_decline", {"decline-reason": "spam"}, "reason"),
        ("match_decline", {"decline-reason": "capacity", "decline-note": "x" * 2001}, "note"),
        ("match_return", {}, "reason"),
        ("match_return", {"return-reason": "capacity"}, "reason"),
    ],
)
def test_a_decline_or_return_without_a_valid_reason_is_refused(client, match, name, data, field, assert_valid_html):
    before = snapshot(match)

    response = client.post(url(name, match), data)

    assert response.status_code == 400
    form = response.context["decline_form" if name == "match_decline" else "return_form"]
    assert field in form.errors
    assert_valid_html(response.content)
    assert snapshot(match) == before


# --- The state machine (A6) -------------------------------------------------------------------------


def test_accepting_after_declining_in_another_tab_is_refused(client, match, django_capture_on_commit_callbacks):
    client.post(url("match_decline", match), {"decline-reason": "conflict"})
    before = snapshot(match)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("match_accept", match), accept_data())

    assert response.status_code == 409
    assert "This request was already declined." in response.content.decode()
    assert snapshot(match) == before
    assert mail.outbox == []


def test_declining_after_accepting_is_refused(client, match, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("match_accept", match), accept_data())
    before = snapshot(match)

    response = client.post(url("match_decline", match), {"decline-reason": "capacity"})

    assert response.status_code == 409
    assert "already accepted" in response.content.decode()
    assert snapshot(match) == before


def test_a_second_accept_is_refused_and_sends_no_second_email(match, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(match_id=match.pk, user=member.user, message=MESSAGE)
        with pytest.raises(answers.MatchAnswerError, match="already accepted"):
            answers.match_accept(match_id=match.pk, user=member.user, message=MESSAGE + " again")

    assert len(mail.outbox) == 1
    match.refresh_from_db()
    assert match.firm_message == MESSAGE


def test_accepting_an_expired_request_is_refused(client, match, assert_valid_html):
    Match.objects.filter(pk=match.pk).update(status=Match.Status.EXPIRED)
    before = snapshot(match)

    response = client.post(url("match_accept", match), accept_data())

    assert response.status_code == 409
    assert "This request expired" in response.content.decode()
    assert_valid_html(response.content)
    assert snapshot(match) == before


@pytest.mark.parametrize("name", ["match_accept", "match_decline", "match_return"])
def test_answering_a_withdrawn_request_is_refused(client, match, name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_actions.lead_withdraw(lead=match.lead)
    mail.outbox.clear()
    before = snapshot(match)

    response = client.post(
        url(name, match),
        {**accept_data(), "decline-reason": "capacity", "return-reason": "spam"},
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert "The client withdrew this request" in content
    for secret in SECRETS:
        assert secret not in content
    assert snapshot(match) == before
    assert mail.outbox == []


def test_a_pending_match_can_be_answered_and_counts_as_delivered(client, member, lead):
    match = MatchFactory(firm=member.firm, lead=lead, status="pending", delivered_at=None)

    client.post(url("match_decline", match), {"decline-reason": "location"})

    match.refresh_from_db()
    assert match.status == Match.Status.DECLINED
    assert match.delivered_at == match.responded_at


# --- Who may answer (A3) ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["match", "match_accept", "match_decline", "match_return"])
def test_another_firms_request_is_a_404_by_its_id_and_nothing_changes(client, member, lead, name):
    theirs = MatchFactory(firm=MembershipFactory().firm, lead=lead, status="delivered")
    before = snapshot(theirs)
    data = {**accept_data(), "decline-reason": "capacity", "return-reason": "spam"}

    for target in (url(name, theirs, firm=member.firm), url(name, theirs)):
        response = client.post(target, data) if name != "match" else client.get(target)
        assert response.status_code == 404

    assert snapshot(theirs) == before
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["match_accept", "match_decline", "match_return"])
def test_a_signed_out_visitor_is_sent_to_sign_in_and_nothing_changes(client, lead, name):
    match = MatchFactory(firm=MembershipFactory().firm, lead=lead)
    before = snapshot(match)

    response = client.post(url(name, match), accept_data())

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(name, match)}"
    assert snapshot(match) == before


@pytest.mark.parametrize("name", ["match_accept", "match_decline", "match_return"])
def test_a_firm_user_without_two_factor_cannot_answer(client, lead, name):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    match = MatchFactory(firm=membership.firm, lead=lead)
    client.force_login(membership.user)
    before = snapshot(match)

    response = client.post(url(name, match), {**accept_data(), "decline-reason": "capacity", "return-reason": "spam"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:mfa_required"))
    assert snapshot(match) == before


@pytest.mark.parametrize("name", ["match_accept", "match_decline", "match_return"])
def test_answers_are_post_only(client, match, name):
    assert client.get(url(name, match)).status_code == 405


def test_an_answer_without_a_csrf_token_is_refused(member, match):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member.user)
    before = snapshot(match)

    assert csrf_client.post(url("match_accept", match), accept_data()).status_code == 403
    assert snapshot(match) == before


# --- The client's contact details (A5) ----------------------------------------------------------


def portal_pages(client, match):
    """Every portal page a firm member can reach for this match, as text."""
    firm_slug = match.firm.slug
    pages = [
        client.get(reverse("portal:inbox", kwargs={"firm_slug": firm_slug})),
        client.get(reverse("portal:inbox", kwargs={"firm_slug": firm_slug}) + "?status=accepted"),
        client.get(url("match", match)),
    ]
    return [page.content.decode() for page in pages]


def test_no_firm_sees_the_clients_details_before_the_client_releases_them(
    client, member, lead, django_capture_on_commit_callbacks
):
    match = MatchFactory(firm=member.firm, lead=lead, status="delivered")
    for content in portal_pages(client, match):
        assert not any(secret in content for secret in SECRETS)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("match_accept", match), accept_data(), follow=True)
    pages = [response.content.decode(), *portal_pages(client, match)]

    for content in pages:
        assert not any(secret in content for secret in SECRETS)


def test_after_release_only_that_firm_sees_the_details(client, lead, django_capture_on_commit_callbacks):
    first, second = MembershipFactory(), MembershipFactory()
    first_match = MatchFactory(firm=first.firm, lead=lead, status="viewed")
    second_match = MatchFactory(firm=second.firm, lead=lead, status="viewed")
    with django_capture_on_commit_callbacks(execute=True):
        answers.match_accept(match_id=first_match.pk, user=first.user, message=MESSAGE)
        answers.match_accept(match_id=second_match.pk, user=second.user, message=MESSAGE)
    client_actions.match_release_contact(lead=lead, match_id=first_match.pk)

    client.force_login(first.user)
    first_page = client.get(url("match", first_match)).content.decode()
    client.force_login(second.user)
    second_pages = portal_pages(client, second_match)

    assert CLIENT_NAME in first_page and CLIENT_EMAIL in first_page and CLIENT_PHONE in first_page
    for content in second_pages:
        assert not any(secret in content for secret in SECRETS)


# --- Delivery to the firm's members -----------------------------------------------------------------


def test_a_new_request_is_emailed_to_the_members_who_chose_to_with_a_link_to_it(lead):
    firm = FirmFactory(email="office@firm.example")
    MembershipFactory(firm=firm, user=FirmUserFactory(email="a@firm.example"))
    MembershipFactory(firm=firm, user=FirmUserFactory(email="b@firm.example"), receives_lead_emails=False)
    MembershipFactory(firm=firm, user=FirmUserFactory(email="c@firm.example", is_active=False))
    match = MatchFactory(firm=firm, lead=lead, status="pending", delivered_at=None)

    assert delivery.match_deliver(match_id=match.pk) is True

    (message,) = mail.outbox
    assert message.to == ["a@firm.example"]
    assert url("match", match) in message.body
    assert url("match", match) in message.alternatives[0][0]


def test_with_nobody_chosen_the_request_goes_to_the_firms_address(lead):
    firm = FirmFactory(email="office@firm.example")
    MembershipFactory(firm=firm, receives_lead_emails=False)
    match = MatchFactory(firm=firm, lead=lead, status="pending", delivered_at=None)

    delivery.match_deliver(match_id=match.pk)

    assert mail.outbox[0].to == ["office@firm.example"]


# --- What operators and clients see --------------------------------------------------------------------


def test_the_admin_counts_returned_requests_by_reason(client, lead):
    for reason in ["spam", "spam", "not_legal"]:
        MatchFactory(status="returned", return_reason=reason)
    MatchFactory(status="declined")
    client.force_login(SuperuserFactory())

    response = client.get(reverse("admin:intake_match_changelist"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "returned requests by reason" in content
    assert "Spam, a test or not a real request (2)" in content
    assert "Not a legal matter (1)" in content
    filtered = client.get(reverse("admin:intake_match_changelist") + "?returned_because=spam")
    assert filtered.context["cl"].result_count == 2


def test_staff_without_permission_cannot_see_the_match_changelist(client):
    client.force_login(StaffFactory())

    assert client.get(reverse("admin:intake_match_changelist")).status_code == 403


def test_the_client_compares_the_quotes_side_by_side(client, lead, assert_valid_html):
    quoted = MatchFactory(
        lead=lead,
        firm=FirmFactory(name="Alpha Law"),
        status="accepted",
        firm_message="We can start Monday.",
        quote_fee_model="flat",
        quote_amount_min=Decimal("6000"),
        quote_currency="CNY",
        quote_covers="Everything until the regulator replies",
    )
    MatchFactory(
        lead=lead, firm=FirmFactory(name="Beta Law"), status="accepted", firm_message="Call us to talk it through."
    )
    MatchFactory(lead=lead, firm=FirmFactory(name="Gamma Law"), status="declined")

    response = client.get(reverse("intake:lead_status", kwargs={"token": lead.token}))

    content = response.content.decode()
    tree = assert_valid_html(content)
    (table,) = [t for t in tree.iter("table") if "quote-comparison" in (t.get("class") or "")]
    assert "side by side" in "".join(table.find("caption").itertext())
    headers = [("".join(th.itertext()), th.get("scope")) for th in table.iter("th")]
    assert ("Alpha Law", "col") in headers and ("Beta Law", "col") in headers
    assert ("Fee model", "row") in headers and ("Their message", "row") in headers
    assert "Gamma Law" not in "".join(table.itertext())
    text = " ".join("".join(table.itertext()).split())
    assert "Flat fee" in text and "6,000 CNY" in text and "no quote" in text
    assert "Everything until the regulator replies" in text
    forms = [form.get("action") for form in table.iter("form")]
    assert reverse("intake:lead_release", kwargs={"token": lead.token, "match_id": quoted.pk}) in forms
    assert len(forms) == 2


def test_one_acceptance_needs_no_comparison(client, lead):
    MatchFactory(
        lead=lead,
        status="accepted",
        firm_message="Yes.",
        quote_fee_model="hourly",
        quote_amount_min=Decimal("800"),
        quote_currency="CNY",
    )
    MatchFactory(lead=lead, status="viewed")

    content = client.get(reverse("intake:lead_status", kwargs={"token": lead.token})).content.decode()

    assert "quote-comparison" not in content
    assert "Their quote: Hourly rate, 800 CNY" in content


def test_a_returned_match_is_explained_gently_to_the_client(client, lead):
    MatchFactory(lead=lead, status="returned", return_reason="spam")

    content = client.get(reverse("intake:lead_status", kwargs={"token": lead.token})).content.decode()

    assert "not taken up" in content and "spam" not in content.lower().split("<main")[1]


def test_answers_reach_the_firms_response_figures_at_the_scheduled_refresh(client, member, lead):
    with_time = timezone.now() - datetime.timedelta(hours=6)
    matches = [
        MatchFactory(firm=member.firm, lead=LeadFactory(status=Lead.Status.MATCHED), delivered_at=with_time)
        for _ in range(3)
    ]
    for match in matches:
        client.post(url("match_decline", match), {"decline-reason": "capacity"})
    member.firm.refresh_from_db()
    assert member.firm.response_figures_due and member.firm.median_response_hours is None

    response_figures.response_figures_refresh()  # hourly (settings.CELERY_BEAT_SCHEDULE)

    member.firm.refresh_from_db()
    assert member.firm.median_response_hours == pytest.approx(6.0, abs=0.1)
    assert member.firm.response_score == pytest.approx(0.5 + 0.5 / (1 + 6 / 24), abs=0.01)
