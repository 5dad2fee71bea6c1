"""The two-minute request form (intake:lead_new): three steps, validation, consents and
anti-abuse, walked through with the test client as a browser would."""

import datetime
import re
import runpy
from pathlib import Path

import html5lib
import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse

from intake.models import Consent, Lead
from intake.views import CLOCK_FIELD
from lawzana import privacy
from tests.factories import FirmFactory, LanguageFactory

pytestmark = pytest.mark.django_db

URL = "/requests/new/"
DESCRIPTION = "Our online shop leaked customer emails last week. What must we tell them, and when?"


@pytest.fixture(autouse=True)
def _form_settings(settings):
    # Each test that cares about these sets its own values.
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1000/m"
    settings.LEAD_EMAIL_CONFIRMATION = True


def what_data(area, city, **extra):
    return {"lead_new-current_step": "what", "what-practice_area": area.pk, "what-city": city.pk, **extra}


def details_data(**extra):
    return {
        "lead_new-current_step": "details",
        "details-description": DESCRIPTION,
        "details-urgency": "soon",
        "details-budget": "unsure",
        "details-preferred_language": "",
        "details-client_type": "business",
        **extra,
    }


def contact_data(**extra):
    return {
        "lead_new-current_step": "contact",
        "contact-name": "Wang Fang",
        "contact-email": "wang.fang@example.com",
        "contact-phone": "138 1234 5678",
        "contact-consent_process": "on",
        "contact-consent_share": "on",
        "contact-is_adult": "on",
        "contact-website": "",
        **extra,
    }


def post_step(client, data, **kwargs):
    """POST a step as the browser does, and follow the form's post/redirect/get to the step
    it shows next (or again, with its messages). Other answers are returned as they are: the
    sent page's redirect, a 400 or a 429 shown in place, a 403."""
    response = client.post(URL, data, **kwargs)
    if response.status_code == 302 and response["Location"].startswith(URL):
        response = client.get(response["Location"])
    return response


def step_of(response):
    # Read from the page: the shared first step is served without rendering a template.
    return input_value(response, "lead_new-current_step")


def clock_of(page):
    """The fill-time clock a page carries, as a browser posts it back with the next step."""
    return {CLOCK_FIELD: input_value(page, CLOCK_FIELD)}


def walk(client, area, city, *, details=None, contact=None):
    """GET the form, then post the three steps; returns the last response."""
    page = client.get(URL)
    assert page.status_code == 200
    response = post_step(client, what_data(area, city, **clock_of(page)))
    assert step_of(response) == "details", response.context["wizard"]["form"].errors
    response = post_step(client, details_data(**(details or {})))
    if step_of(response) != "contact":
        return response
    return post_step(client, contact_data(**(contact or {})))


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def selected_value(response, name):
    select = next(el for el in parse(response).iter("select") if el.get("name") == name)
    chosen = [opt.get("value") for opt in select.iter("option") if opt.get("selected") is not None]
    return chosen[0] or None if chosen else None  # the empty "Choose..." option means none


def textarea_text(response, name):
    area = next(el for el in parse(response).iter("textarea") if el.get("name") == name)
    return (area.text or "").removeprefix("\n")


def input_value(response, name):
    element = next((el for el in parse(response).iter("input") if el.get("name") == name), None)
    return None if element is None else element.get("value")


# --- The first step and its prefill ------------------------------------------------------


def test_the_landing_pages_call_to_action_prefills_the_first_step(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    landing = client.get(
        reverse("guides:landing", kwargs={"country": "china", "city": "harbin", "practice_area": cyber_law.slug})
    )
    cta = next(a.get("href") for a in parse(landing).iter("a") if (a.get("href") or "").startswith(URL))

    response = client.get(cta)

    assert response.status_code == 200
    assert selected_value(response, "what-city") == str(harbin.pk)
    assert selected_value(response, "what-practice_area") == str(cyber_law.pk)


def test_it_ignores_prefill_values_it_does_not_know(client, harbin, cyber_law):
    for query in (
        "?city=abc&practice_area=-1",
        "?city=999999&practice_area=999999",
        f"?practice_area={cyber_law.parent_id}",
    ):
        response = client.get(URL + query)

        assert response.status_code == 200
        assert selected_value(response, "what-city") is None
        assert selected_value(response, "what-practice_area") is None


def test_the_first_step_groups_areas_and_cities_and_offers_only_areas_with_a_group(client, harbin, cyber_law):
    response = client.get(URL)

    tree = parse(response)
    groups = {g.get("label") for g in tree.iter("optgroup")}
    assert {"Technology & Data", "China"} <= groups
    area_values = [
        opt.get("value")
        for sel in tree.iter("select")
        if sel.get("name") == "what-practice_area"
        for opt in sel.iter("option")
    ]
    assert str(cyber_law.pk) in area_values
    assert str(cyber_law.parent_id) not in area_values  # a group is not a practice area


def test_it_shows_the_progress_as_step_n_of_3(client, harbin, cyber_law):
    response = client.get(URL)

    assert "Step 1 of 3: What and where" in response.content.decode()
    current = [li for li in parse(response).iter("li") if li.get("aria-current") == "step"]
    assert ["".join(li.itertext()).strip() for li in current] == ["What and where"]

    response = post_step(client, what_data(cyber_law, harbin))

    assert "Step 2 of 3: Details" in response.content.decode()


# --- Validation, one clear message per field ---------------------------------------------


def test_an_empty_first_step_names_each_missing_field(client):
    client.get(URL)

    response = post_step(client, {"lead_new-current_step": "what"})

    assert step_of(response) == "what"
    content = response.content.decode()
    assert "Choose a practice area." in content
    assert "Choose a city." in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("details-description", "Too short.", "Please write at least 20 characters"),
        ("details-description", "   " + "x" * 5 + "   ", "Please write at least 20 characters"),
        ("details-description", "x" * 10_000, "Please keep it to 5000 characters at most"),
        ("details-description", "A NUL \x00 byte in an otherwise long description.", "control characters"),
        ("details-description", "An escape \x1b[31m sequence in a long description.", "control characters"),
        ("details-urgency", "", "Tell us how urgent it is."),
        ("details-urgency", "yesterday", "Choose one of the options for urgency."),
        ("details-budget", "", "Choose a budget"),
        ("details-client_type", "", "Tell us whether you ask for yourself or for a business."),
        ("details-preferred_language", "999999", "We don&#x27;t know that language"),
    ],
)
def test_each_invalid_detail_gets_its_message_and_the_typed_text_is_kept(
    client, harbin, cyber_law, field, value, message
):
    typed = "My landlord keeps my deposit; the contract says 30 days."
    extra = {"details-description": typed, field: value} if field != "details-description" else {field: value}

    response = walk(client, cyber_law, harbin, details=extra)

    assert response.status_code == 200
    assert step_of(response) == "details"
    assert message in response.content.decode()
    if field != "details-description":
        assert textarea_text(response, "details-description") == typed
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact-name", "", "Tell us your name"),
        ("contact-name", "N" * 121, "Please shorten your name to 120 characters"),
        ("contact-name", "Wang\x07Fang", "control characters"),
        ("contact-email", "not-an-email", "Enter a valid email address"),
        ("contact-email", "wang@example.com\r\nBcc: victim@example.com", "Enter a valid email address"),
        ("contact-phone", "12345", "Enter a valid phone number, e.g. +86 138 1234 5678"),
        ("contact-phone", "call me maybe", "Enter a valid phone number, e.g. +86 138 1234 5678"),
        ("contact-consent_process", "", "We can only look at your request with this consent"),
        ("contact-consent_share", "", "We can only pass your request to law firms with this consent"),
        ("contact-is_adult", "", "You must be 18 or older"),
    ],
)
def test_each_invalid_contact_field_gets_its_message_and_nothing_is_stored(
    client, harbin, cyber_law, field, value, message
):
    response = walk(client, cyber_law, harbin, contact={field: value})

    assert response.status_code == 200
    assert step_of(response) == "contact"
    assert message in response.content.decode()
    if field != "contact-name":
        assert input_value(response, "contact-name") == "Wang Fang"
    assert not Lead.objects.exists()


def test_the_consent_labels_are_the_texts_whose_digest_is_stored(client, harbin, cyber_law, settings):
    """lead_submit stores the digest of consent_texts(); the form must show exactly those texts."""
    settings.LEAD_FANOUT = 2
    client.get(URL)
    post_step(client, what_data(cyber_law, harbin))

    response = post_step(client, details_data())

    assert step_of(response) == "contact"
    texts = privacy.consent_texts(fanout=2)
    labels = {
        label.get("for"): "".join(label.itertext()).strip()
        for label in parse(response).iter("label")
        if label.get("for")
    }
    assert labels["id_contact-consent_process"] == texts["process"]
    assert labels["id_contact-consent_share"] == texts["share"]
    assert "at most 2 law firms" in labels["id_contact-consent_share"]


# --- Going back ---------------------------------------------------------------------------


def test_back_does_not_validate_and_keeps_what_was_typed(client, harbin, cyber_law):
    client.get(URL)
    post_step(client, what_data(cyber_law, harbin))
    half_typed = "Half a sentence"  # too short to be valid yet

    back = post_step(
        client, details_data(**{"details-description": half_typed, "details-urgency": "", "wizard_goto_step": "what"})
    )

    assert step_of(back) == "what"
    assert "Please write at least" not in back.content.decode()
    assert selected_value(back, "what-city") == str(harbin.pk)
    assert selected_value(back, "what-practice_area") == str(cyber_law.pk)

    forward = post_step(client, what_data(cyber_law, harbin))

    assert step_of(forward) == "details"
    assert textarea_text(forward, "details-description") == half_typed
    assert "Please write at least" not in forward.content.decode()  # not submitted yet: no errors


def test_back_from_the_last_step_keeps_both_steps(client, harbin, cyber_law):
    client.get(URL)
    post_step(client, what_data(cyber_law, harbin))
    post_step(client, details_data())

    back = post_step(client, contact_data(**{"contact-email": "half@", "wizard_goto_step": "details"}))

    assert step_of(back) == "details"
    assert textarea_text(back, "details-description") == DESCRIPTION

    forward = post_step(client, details_data())

    assert step_of(forward) == "contact"
    assert input_value(forward, "contact-name") == "Wang Fang"
    assert input_value(forward, "contact-email") == "half@"
    # Consent ticks are never remembered: the client gives them on the final submission.
    assert "checked" not in forward.content.decode()


# --- Post/redirect/get: Back and Forward never resubmit -----------------------------------


def test_every_step_answers_a_post_with_a_redirect_to_the_next_steps_own_address(client, harbin, cyber_law):
    client.get(URL)

    first = client.post(URL, what_data(cyber_law, harbin))
    assert (first.status_code, first["Location"]) == (302, f"{URL}details/")
    second = client.post(f"{URL}details/", details_data())
    assert (second.status_code, second["Location"]) == (302, f"{URL}contact/")

    shown = client.get(f"{URL}contact/")
    assert step_of(shown) == "contact"
    # Back and Forward are plain GETs of the step addresses, each with what was sent.
    details = client.get(f"{URL}details/")
    assert step_of(details) == "details"
    assert textarea_text(details, "details-description") == DESCRIPTION
    assert 'role="alert"' not in details.content.decode()  # no message for a step that was valid
    what = client.get(URL)
    assert selected_value(what, "what-city") == str(harbin.pk)


def test_a_refused_step_redirects_to_itself_with_its_messages_and_what_was_typed(client, harbin, cyber_law):
    client.get(URL)
    post_step(client, what_data(cyber_law, harbin))

    refused = client.post(f"{URL}details/", details_data(**{"details-description": "Too short"}))

    assert (refused.status_code, refused["Location"]) == (302, f"{URL}details/")
    shown = client.get(refused["Location"])
    assert "Please write at least 20 characters" in shown.content.decode()
    assert textarea_text(shown, "details-description") == "Too short"
    # A reload shows the same; the step is not stored, so the next step cannot be opened.
    assert "Please write at least 20 characters" in client.get(f"{URL}details/").content.decode()
    assert client.get(f"{URL}contact/")["Location"] == f"{URL}details/"
    assert step_of(post_step(client, details_data())) == "contact"


def test_the_back_button_redirects_to_the_earlier_steps_address(client, harbin, cyber_law):
    client.get(URL)
    post_step(client, what_data(cyber_law, harbin))

    back = client.post(f"{URL}details/", details_data(wizard_goto_step="what"))

    assert (back.status_code, back["Location"]) == (302, f"{URL}what/")
    assert selected_value(client.get(back["Location"]), "what-practice_area") == str(cyber_law.pk)


@pytest.mark.parametrize("step", ["details", "contact"])
def test_a_later_step_opened_first_sends_the_visitor_to_the_start(client, step):
    response = client.get(f"{URL}{step}/")  # a bookmark, or a session that expired

    assert (response.status_code, response["Location"]) == (302, URL)


def test_an_unknown_step_address_is_the_start_of_the_form(client):
    assert client.get(f"{URL}nonsense/")["Location"] == URL


# --- A complete submission ---------------------------------------------------------------


def test_a_completed_form_creates_one_request_with_its_two_consents(client, harbin, cyber_law):
    language = LanguageFactory(code="zh")

    response = walk(
        client,
        cyber_law,
        harbin,
        details={"details-preferred_language": language.pk, "details-urgency": "urgent"},
        contact={"contact-phone": "１３８ １２３４ ５６７８"},  # fullwidth digits
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:lead_submitted")
    lead = Lead.objects.get()
    assert (lead.practice_area, lead.city, lead.preferred_language) == (cyber_law, harbin, language)
    assert (lead.description, lead.urgency, lead.budget, lead.client_type) == (
        DESCRIPTION,
        "urgent",
        "unsure",
        "business",
    )
    assert (lead.name, lead.email, lead.phone) == ("Wang Fang", "wang.fang@example.com", "+8613812345678")
    assert lead.status == Lead.Status.NEW
    assert lead.ip_hash and lead.ip_hash != "127.0.0.1"
    consents = {c.purpose: c for c in lead.consents.all()}
    assert set(consents) == {"process", "share"}
    texts = privacy.consent_texts(fanout=3)
    for purpose, row in consents.items():
        assert row.policy_version == privacy.POLICY_VERSION
        assert re.fullmatch(r"[0-9a-f]{64}", row.text_digest)
        assert row.text_digest == privacy.digest(texts[purpose])
        assert row.given_at is not None


def test_the_success_page_asks_to_check_email_and_reveals_no_token(client, harbin, cyber_law, assert_valid_html):
    response = walk(client, cyber_law, harbin)
    page = client.get(response["Location"])

    assert_valid_html(page.content)

    lead = Lead.objects.get()
    assert page.status_code == 200
    assert "Check your email" in page.content.decode()
    assert lead.token not in page.content.decode()
    assert lead.token not in response["Location"]


def test_the_form_pages_are_not_cached_and_hide_post_data_from_error_reports(client, harbin, cyber_law):
    response = client.get(URL)
    assert "no-store" in response["Cache-Control"]

    response = post_step(client, what_data(cyber_law, harbin))
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_no_box_is_ticked_and_every_step_is_valid_html(client, harbin, cyber_law, assert_valid_html):
    pages = [client.get(URL), post_step(client, what_data(cyber_law, harbin)), post_step(client, details_data())]

    assert [step_of(page) for page in pages] == ["what", "details", "contact"]
    for page in pages:
        assert "checked" not in page.content.decode()
        assert_valid_html(page.content)
    content = pages[2].content.decode()
    assert privacy.POLICY_VERSION in content
    assert reverse("privacy") in content
    assert "goes to at most 3 law firms" in content
    honeypot = next(el for el in parse(pages[2]).iter("input") if el.get("name") == "contact-website")
    assert honeypot.get("tabindex") == "-1" and honeypot.get("autocomplete") == "off"
    assert 'class="visually-hidden" aria-hidden="true"' in content


def test_every_field_has_a_label(client, harbin, cyber_law):
    pages = [client.get(URL), post_step(client, what_data(cyber_law, harbin)), post_step(client, details_data())]
    for page in pages:
        tree = parse(page)
        labelled = {label.get("for") for label in tree.iter("label")}
        for element in [*tree.iter("input"), *tree.iter("select"), *tree.iter("textarea")]:
            if element.get("type") in {"hidden", "submit"}:
                continue
            assert element.get("id") in labelled, element.get("name")


def test_an_error_page_is_valid_html_and_points_at_the_fields(client, harbin, cyber_law, assert_valid_html):
    response = walk(client, cyber_law, harbin, contact={"contact-email": "nope", "contact-consent_share": ""})

    assert_valid_html(response.content)
    email = next(el for el in parse(response).iter("input") if el.get("name") == "contact-email")
    assert email.get("aria-invalid") == "true"
    assert email.get("aria-describedby").endswith("id_contact-email_error")
    assert 'href="#id_contact-email"' in response.content.decode()


# --- Anti-abuse ---------------------------------------------------------------------------


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, harbin, cyber_law):
    response = walk(client, cyber_law, harbin, contact={"contact-website": "https://spam.example"})

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:lead_submitted")
    assert not Lead.objects.exists()
    assert not Consent.objects.exists()


def test_a_form_filled_too_fast_looks_like_success_but_stores_nothing(client, harbin, cyber_law, settings):
    settings.LEAD_MIN_FILL_SECONDS = 3600

    response = walk(client, cyber_law, harbin)

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:lead_submitted")
    assert not Lead.objects.exists()


def test_posting_without_ever_seeing_the_form_stores_nothing(client, harbin, cyber_law):
    post_step(client, what_data(cyber_law, harbin))
    post_step(client, details_data())
    response = post_step(client, contact_data())

    assert not Lead.objects.exists()
    assert response.status_code in {200, 302}


def test_too_many_submissions_from_one_address_get_429_and_keep_the_typed_data(client, harbin, cyber_law, settings):
    settings.LEAD_RATE_LIMIT = "1/10m"
    assert walk(client, cyber_law, harbin).status_code == 302
    assert Lead.objects.count() == 1

    other = {"details-description": "A different problem: my employer has not paid me for two months."}
    response = walk(client, cyber_law, harbin, details=other, contact={"contact-name": "Li Lei"})

    assert response.status_code == 429
    content = response.content.decode()
    assert "You have already sent 1 request from this connection" in content
    assert "what you typed is kept" in content
    assert input_value(response, "contact-name") == "Li Lei"
    assert Lead.objects.count() == 1

    # Later (here: a new limit) the same final POST goes through: the earlier steps were kept.
    settings.LEAD_RATE_LIMIT = "1000/m"
    response = post_step(client, contact_data(**{"contact-name": "Li Lei"}))

    assert response.status_code == 302
    assert Lead.objects.filter(name="Li Lei", description=other["details-description"]).count() == 1


def test_a_refused_submission_keeps_what_was_typed_only_while_a_retry_can_use_it(client, harbin, cyber_law, settings):
    settings.LEAD_RATE_LIMIT = "1/10m"
    assert walk(client, cyber_law, harbin).status_code == 302
    typed = "A different problem: my employer has not paid me for two months."
    refused = walk(client, cyber_law, harbin, details={"details-description": typed})
    assert refused.status_code == 429

    def sessions_holding_it():
        return [s for s in Session.objects.all() if typed in str(s.get_decoded())]

    assert sessions_holding_it()  # a retry within the window still has it
    with time_machine.travel(datetime.timedelta(minutes=11)):
        call_command("clearsessions")  # what the periodic sweep runs
        assert sessions_holding_it() == []
    assert Lead.objects.count() == 1


def test_the_session_sweep_runs_often_enough_to_drop_refused_text_in_time(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["sessions-clear-expired"]

    assert schedule["task"] == "intake.tasks.sessions_clear_expired"
    assert schedule["schedule"] <= 10 * 60


def test_a_proxy_header_that_never_comes_still_limits_by_the_peers_address(
    client, harbin, cyber_law, settings, monkeypatch
):
    # The settings CLIENT_IP_META_KEY=HTTP_X_REAL_IP gives, read as at start-up; the proxy
    # then sends no such header.
    monkeypatch.setenv("CLIENT_IP_META_KEY", "HTTP_X_REAL_IP")
    started = runpy.run_path(str(Path(settings.BASE_DIR) / "lawzana" / "settings.py"))
    for name in ("CLIENT_IP_META_KEY", "RATELIMIT_IP_META_KEY"):
        setattr(settings, name, started[name])
    settings.LEAD_RATE_LIMIT = "1/10m"
    assert walk(client, cyber_law, harbin).status_code == 302

    other = {"details-description": "A different problem: my employer has not paid me for two months."}
    response = walk(client, cyber_law, harbin, details=other, contact={"contact-name": "Li Lei"})

    assert response.status_code == 429
    assert Lead.objects.count() == 1


def test_the_same_email_and_description_within_a_day_is_one_request(client, harbin, cyber_law):
    first = walk(client, cyber_law, harbin)
    second = walk(client, cyber_law, harbin, details={"details-description": "  " + DESCRIPTION.upper() + "  "})

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Lead.objects.count() == 1
    assert Consent.objects.count() == 2


# --- Fuzzing: strange but possible input never breaks anything --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> and <img src=x onerror=alert(2)> in my contract dispute",
        "我的公司数据泄露了，需要律师帮助处理个人信息保护问题。",
        "Emoji 👩‍⚖️🔐 and RTL \u202eevil\u202c text with zero\u200bwidth spaces, fine?",
        "مرحبا، أحتاج إلى محامٍ في قضية حماية البيانات الشخصية",
        "Line one\nLine two\r\n\tIndented line three, all kept as typed.",
    ],
)
def test_unusual_text_is_stored_as_typed_and_shown_escaped(client, harbin, cyber_law, text):
    name = text.splitlines()[0][:40]
    response = walk(client, cyber_law, harbin, details={"details-description": text}, contact={"contact-name": name})

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.name == name
    assert lead.description == text
    status = client.get(lead.get_absolute_url())
    content = status.content.decode()
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    if "<script>" in text:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    else:
        assert text in content


@pytest.mark.parametrize(
    "data",
    [
        {"lead_new-current_step": "bogus", "what-city": "1"},
        {"lead_new-current_step": "", "what-city": "1"},
        {"lead_new-current_step": "../../admin"},
        {"what-city": "1"},  # no management form at all
        {"lead_new-current_step": "what", "what-city": "999999", "what-practice_area": "abc"},
        {"lead_new-current_step": "what", "what-city": "1' OR '1'='1", "what-practice_area": ["1", "2"]},
        {"lead_new-current_step": "contact", "wizard_goto_step": "nowhere"},
    ],
)
def test_tampered_or_nonsense_posts_never_fail_and_store_nothing(client, harbin, cyber_law, data):
    client.get(URL)

    response = post_step(client, data)

    assert response.status_code in {200, 400}
    assert not Lead.objects.exists()


def test_jumping_straight_to_the_last_step_stores_nothing(client, harbin, cyber_law):
    client.get(URL)

    response = post_step(client, contact_data())

    assert response.status_code == 200
    assert step_of(response) == "what"  # the missing steps are asked for
    assert not Lead.objects.exists()


def test_extra_fields_are_never_persisted(client, harbin, cyber_law):
    extra = {
        "status": "matched",
        "from_empty_state": "0",
        "contact-status": "matched",
        "details-from_empty_state": "0",
        "token": "mine",
        "erased_at": "2020-01-01",
        "consent_marketing": "on",
    }
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])  # from_empty_state should be False
    page = client.get(URL)
    post_step(client, {**what_data(cyber_law, harbin, **clock_of(page)), **extra})
    post_step(client, {**details_data(), **extra})
    response = post_step(client, {**contact_data(), **extra, "from_empty_state": "1"})

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.status == Lead.Status.NEW
    assert lead.from_empty_state is False
    assert lead.token != "mine"
    assert lead.erased_at is None


def test_a_request_from_a_place_no_firm_serves_counts_as_unmet_demand(client, harbin, cyber_law, employment_law):
    FirmFactory(cities=[harbin], practice_areas=[employment_law])  # serves another area only
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], is_listed=False)  # not listed

    walk(client, cyber_law, harbin)

    assert Lead.objects.get().from_empty_state is True


def test_a_request_where_a_listed_firm_serves_is_not_unmet_demand(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    walk(client, cyber_law, harbin)

    assert Lead.objects.get().from_empty_state is False


def test_a_submission_with_missing_earlier_steps_never_writes_half_a_request(client, harbin, cyber_law):
    client.get(URL)
    post_step(client, what_data(cyber_law, harbin))
    # The client never sends the details step, then posts the last one.
    response = post_step(client, contact_data())

    assert response.status_code == 200
    assert step_of(response) == "details"
    assert not Lead.objects.exists()
    assert not Consent.objects.exists()


def test_a_request_still_goes_through_when_the_rate_limit_cache_is_down(
    client, harbin, cyber_law, monkeypatch, caplog
):
    from django_ratelimit import core

    def cache_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(core, "get_usage", cache_down)

    response = walk(client, cyber_law, harbin)

    assert response.status_code == 302
    assert Lead.objects.count() == 1
    assert "Rate limit unavailable for the request form" in caplog.text  # the limit was asked, and failed


def test_the_description_step_says_contact_details_stay_hidden_until_the_client_chooses_a_firm(
    client, harbin, cyber_law
):
    page = client.get(URL)
    details = post_step(client, what_data(cyber_law, harbin, **clock_of(page)))

    assert "stays hidden from firms until you choose one" in details.content.decode()


def test_the_first_step_says_how_many_firms_at_most_will_receive_the_request(client, settings):
    settings.LEAD_FANOUT = 2

    page = " ".join(client.get(URL).content.decode().split())

    assert "at most 2 law firms" in page
    assert "No firm sees it before you confirm your email address." in page
    settings.LEAD_EMAIL_CONFIRMATION = False
    assert "confirm your email" not in client.get(URL).content.decode()


def test_a_long_description_is_never_cut_short_the_limit_is_shown_and_counted(client, harbin, cyber_law):
    page = client.get(URL)
    details = post_step(client, what_data(cyber_law, harbin, **clock_of(page)))
    textarea = next(el for el in parse(details).iter("textarea") if el.get("name") == "details-description")

    assert textarea.get("maxlength") is None  # the browser would cut a paste at 5,000 silently
    counter = next(el for el in parse(details).iter("p") if "char-count" in (el.get("class") or ""))
    assert counter.get("data-max") == "5000" and counter.get("aria-live") == "polite"
    scripts = [el.get("src") for el in parse(details).iter("script")]
    assert any(src and src.endswith("char-count.js") for src in scripts)

    long_text = "My employer has not paid me. " * 400  # 11,600 characters, the last space stripped
    refused = post_step(client, details_data(**{"details-description": long_text}))

    assert "Please keep it to 5000 characters at most (you wrote 11599)" in refused.content.decode()  # stripped
    assert textarea_text(refused, "details-description") == long_text  # every character kept


def test_only_the_form_runs_a_script(client, harbin, cyber_law):
    page = client.get(URL)

    assert [el.get("src") for el in parse(page).iter("script") if el.get("src")] == []  # step 1 needs none


def test_mistakes_on_the_last_step_are_not_requests_sent(client, harbin, cyber_law, settings):
    settings.LEAD_RATE_LIMIT = "1/10m"
    walk(client, cyber_law, harbin, contact={"contact-email": "not an address"})
    for _ in range(6):  # five more mistakes on the last step
        mistake = post_step(client, contact_data(**{"contact-email": "still not an address"}))
        assert mistake.status_code == 200
        assert "Enter a valid email address" in mistake.content.decode()

    sent = post_step(client, contact_data())

    assert sent.status_code == 302
    assert Lead.objects.count() == 1


def test_a_refusal_says_what_happened_and_when_to_try_again(client, harbin, cyber_law, settings):
    settings.LEAD_RATE_LIMIT = "1/10m"
    assert walk(client, cyber_law, harbin).status_code == 302

    refused = walk(client, cyber_law, harbin, details={"details-description": DESCRIPTION + " Another one."})

    page = " ".join(refused.content.decode().split())
    assert refused.status_code == 429
    assert "You have already sent 1 request from this connection in the last 10 minutes" in page
    assert re.search(r"You can send another in about \d+ minutes?", page)
    assert "what you typed is kept" in page


def test_attempts_against_the_form_have_a_much_higher_ceiling_of_their_own(client, harbin, cyber_law, settings):
    settings.LEAD_RATE_LIMIT = "5/10m"
    settings.LEAD_ATTEMPT_LIMIT = "3/10m"
    walk(client, cyber_law, harbin, contact={"contact-email": "x"})  # the first attempt
    for _ in range(2):
        assert post_step(client, contact_data(**{"contact-email": "x"})).status_code == 200

    refused = post_step(client, contact_data())

    page = " ".join(refused.content.decode().split())
    assert refused.status_code == 429
    assert "Too many attempts from this connection" in page
    assert not Lead.objects.exists()
