"""A request sent from a firm's profile ("Send your request to this firm"): that firm receives
it first; matching tops it up to the cap, or adds nobody when the client asked for that firm
only."""

import html
import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.models import Lead, Match
from intake.services import delivery
from intake.services.routing import lead_match
from tests.factories import (
    CityFactory,
    FirmFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    PracticeAreaFactory,
)
from tests.intake.test_form import (
    URL,
    clock_of,
    contact_data,
    details_data,
    input_value,
    parse,
    post_step,
    selected_value,
    step_of,
)
from tests.intake.test_matching import make_lead, matched_firms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fanout(settings):
    settings.LEAD_FANOUT = 3


def test_the_chosen_firm_receives_the_request_first_and_matching_tops_it_up(harbin, cyber_law):
    others = FirmFactory.create_batch(3, cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5, 5])
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law])  # ranked below them all
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen)
    assert chosen.ranking_score < min(firm.ranking_score for firm in others)

    created = lead_match(lead_id=lead.pk)

    assert len(created) == 3
    assert matched_firms(lead)[0] == chosen
    assert set(matched_firms(lead)[1:]) < set(others)
    first = lead.matches.get(slot=1)
    assert first.is_requested and "chosen by the client" in first.reason
    assert not any(m.is_requested for m in lead.matches.exclude(slot=1))


def test_the_chosen_firm_receives_it_even_outside_the_city_and_the_practice_area(harbin, cyber_law):
    elsewhere = FirmFactory(cities=[CityFactory()], practice_areas=[PracticeAreaFactory()])
    local = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=elsewhere)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [elsewhere, local]


def test_only_the_chosen_firm_receives_a_request_for_that_firm_only(harbin, cyber_law):
    FirmFactory.create_batch(3, cities=[harbin], practice_areas=[cyber_law])
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen, requested_firm_only=True)

    lead_match(lead_id=lead.pk)
    lead_match(lead_id=lead.pk)  # a repeated task, or the sweeper re-routing

    assert matched_firms(lead) == [chosen]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED


def test_when_the_only_chosen_firm_declines_nobody_else_receives_it(harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen, requested_firm_only=True)
    lead_match(lead_id=lead.pk)
    Match.objects.filter(lead=lead).update(status=Match.Status.DECLINED)

    assert lead_match(lead_id=lead.pk) == []
    assert matched_firms(lead) == [chosen]


def test_re_routing_fills_free_slots_with_other_firms_never_the_chosen_one_again(harbin, cyber_law):
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    first = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen)
    lead_match(lead_id=lead.pk)
    assert matched_firms(lead) == [chosen, first]  # one slot left free: no third firm yet
    lead.matches.filter(firm=chosen).update(status=Match.Status.DECLINED)

    newcomer = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead_match(lead_id=lead.pk)  # the sweeper re-routing

    assert matched_firms(lead) == [chosen, first, newcomer]


@pytest.mark.parametrize("change", [{"is_accepting_leads": False}, {"is_listed": False}])
def test_a_chosen_firm_that_stopped_taking_requests_is_skipped(harbin, cyber_law, change):
    local = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law], **change)
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [local]


def test_a_request_for_a_firm_that_stopped_taking_requests_only_stays_unmatched(harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law], is_accepting_leads=False)
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen, requested_firm_only=True)

    assert lead_match(lead_id=lead.pk) == []

    lead.refresh_from_db()
    assert lead.status == Lead.Status.UNMATCHED
    chosen.is_accepting_leads = True
    chosen.save()
    assert [m.firm for m in lead_match(lead_id=lead.pk)] == [chosen]  # the sweeper's retry


def test_the_weekly_capacity_limits_matching_not_a_client_who_chose_the_firm(harbin, cyber_law):
    chosen = FirmFactory(cities=[harbin], practice_areas=[cyber_law], lead_capacity_per_week=1)
    make_lead(city=harbin, practice_area=cyber_law)
    lead_match(lead_id=Lead.objects.get().pk)  # its one request this week

    matched_by_rank = make_lead(city=harbin, practice_area=cyber_law)
    lead_match(lead_id=matched_by_rank.pk)
    chosen_by_client = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen)
    lead_match(lead_id=chosen_by_client.pk)

    assert matched_firms(matched_by_rank) == []
    assert matched_firms(chosen_by_client) == [chosen]


# --- The form, from the firm's profile --------------------------------------------------------


@pytest.fixture
def form_settings(settings):
    settings.LEAD_MIN_FILL_SECONDS = 0
    settings.LEAD_RATE_LIMIT = "1000/m"
    settings.LEAD_EMAIL_CONFIRMATION = False
    return settings


@pytest.fixture
def chosen(harbin, cyber_law):
    return FirmFactory(name="Songhua Data Law", slug="songhua-data-law", cities=[harbin], practice_areas=[cyber_law])


def walk_from_the_profile(client, firm, *, send_to, what=None):
    """Follow the profile's call to action and send the three steps; returns the last response."""
    profile = client.get(firm.get_absolute_url()).content.decode()
    cta = re.search(r'href="(/requests/new/\?firm=[^"]+)"[^>]*>Send your request to this firm<', profile).group(1)
    page = client.get(html.unescape(cta))
    first = {
        "lead_new-current_step": "what",
        "what-firm": input_value(page, "what-firm"),
        "what-city": selected_value(page, "what-city"),
        "what-practice_area": selected_value(page, "what-practice_area"),
        "what-send_to": send_to,
        **clock_of(page),
        **(what or {}),
    }
    response = post_step(client, first)
    if step_of(response) != "details":
        return response
    post_step(client, details_data())
    return post_step(client, contact_data())


def test_the_form_from_a_profile_names_the_firm_and_fills_in_its_city_and_area(client, form_settings, chosen, harbin):
    page = client.get(f"{URL}?firm={chosen.slug}")

    body = page.content.decode()
    assert "Your request goes to Songhua Data Law" in body
    assert input_value(page, "what-firm") == chosen.slug
    assert selected_value(page, "what-city") == str(harbin.pk)
    assert selected_value(page, "what-practice_area") == str(chosen.practice_areas.get().pk)
    checked = [
        i.get("value")
        for i in parse(page).iter("input")
        if i.get("name") == "what-send_to" and i.get("checked") is not None
    ]
    assert checked == ["first"]  # more answers unless the client says otherwise


@pytest.mark.parametrize(("send_to", "only"), [("first", False), ("only", True)])
def test_a_request_sent_from_a_profile_records_the_firm_and_the_clients_choice(
    client, form_settings, chosen, harbin, cyber_law, send_to, only, django_capture_on_commit_callbacks
):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5, 5])  # ranked above it
    with django_capture_on_commit_callbacks(execute=True):
        answer = walk_from_the_profile(client, chosen, send_to=send_to)

    assert answer["Location"] == reverse("intake:lead_submitted")
    lead = Lead.objects.get()
    assert (lead.requested_firm, lead.requested_firm_only) == (chosen, only)
    # Matched at once (confirmation is off here): the chosen firm first, topped up or not.
    assert lead.matches.get(slot=1).firm == chosen
    assert lead.matches.count() == (1 if only else 2)


def test_the_later_steps_say_where_the_request_goes(client, form_settings, chosen):
    page = client.get(f"{URL}?firm={chosen.slug}")
    first = {
        "lead_new-current_step": "what",
        "what-firm": chosen.slug,
        "what-city": selected_value(page, "what-city"),
        "what-practice_area": selected_value(page, "what-practice_area"),
        "what-send_to": "only",
        **clock_of(page),
    }
    assert "Your request goes only to Songhua Data Law." in post_step(client, first).content.decode()
    contact = post_step(client, details_data()).content.decode()
    assert "Your request goes only to Songhua Data Law; your name" in contact
    assert "Your request goes to at most 3 law firms;" not in contact


def test_a_forged_choice_is_refused_with_a_message(client, form_settings, chosen):
    response = walk_from_the_profile(client, chosen, send_to="everyone")

    assert step_of(response) == "what"
    assert "Choose one of the two options." in response.content.decode()
    assert not Lead.objects.exists()


@pytest.mark.parametrize("slug", ["nobody-by-this-name", "bad slug!", "x" * 300, "%00"])
def test_an_unknown_firm_in_the_link_gives_the_ordinary_form(client, form_settings, slug):
    page = client.get(URL, {"firm": slug})

    assert page.status_code == 200
    assert "Your request goes to" not in page.content.decode()
    assert input_value(page, "what-firm") in ("", None)


def test_a_firm_not_taking_requests_is_named_and_the_request_goes_to_others(client, form_settings, harbin, cyber_law):
    closed = FirmFactory(
        name="Closed Doors Law", cities=[harbin], practice_areas=[cyber_law], is_accepting_leads=False
    )

    page = client.get(URL, {"firm": closed.slug})

    body = page.content.decode()
    assert "Closed Doors Law is not taking new requests through Lawzana at the moment" in body
    assert input_value(page, "what-firm") in ("", None)


def test_a_firm_that_stops_taking_requests_meanwhile_is_explained_and_can_be_dropped(client, form_settings, chosen):
    page = client.get(f"{URL}?firm={chosen.slug}")
    chosen.is_accepting_leads = False
    chosen.save()

    refused = post_step(
        client,
        {
            "lead_new-current_step": "what",
            "what-firm": chosen.slug,
            "what-city": selected_value(page, "what-city"),
            "what-practice_area": selected_value(page, "what-practice_area"),
            "what-send_to": "first",
            **clock_of(page),
        },
    )

    body = refused.content.decode()
    assert "The firm you chose no longer takes requests through Lawzana." in body
    way_out = re.search(r'href="([^"]+)">Send your request to other suitable firms instead<', body).group(1)
    again = client.get(html.unescape(way_out))
    assert "no longer takes requests" not in again.content.decode()
    assert input_value(again, "what-firm") in ("", None)


def test_a_general_call_to_action_followed_later_drops_the_firm(client, form_settings, chosen, harbin, cyber_law):
    page = client.get(f"{URL}?firm={chosen.slug}")
    post_step(
        client,
        {
            "lead_new-current_step": "what",
            "what-firm": chosen.slug,
            "what-city": harbin.pk,
            "what-practice_area": cyber_law.pk,
            "what-send_to": "only",
            **clock_of(page),
        },
    )

    landing_cta = client.get(URL, {"city": harbin.pk, "practice_area": cyber_law.pk})

    assert "Your request goes to" not in landing_cta.content.decode()
    assert input_value(landing_cta, "what-firm") in ("", None)


def test_the_first_step_from_a_profile_is_valid_html(client, form_settings, chosen, assert_valid_html):
    assert_valid_html(client.get(f"{URL}?firm={chosen.slug}").content)


# --- What the firm and the client are told ----------------------------------------------------


@pytest.mark.parametrize(
    ("only", "said"),
    [
        (False, "you receive this request first, and up to 2 other suitable firms may receive it too"),
        (True, "sent this request to you only: no other firm receives it"),
    ],
)
def test_the_firms_email_says_the_client_chose_it(settings, only, said):
    settings.LEAD_FANOUT = 3
    firm = FirmFactory(email="cases@chosen.example")
    lead = LeadFactory(requested_firm=firm, requested_firm_only=only)
    match = MatchFactory(lead=lead, firm=firm, status="pending", delivered_at=None)

    assert delivery.match_deliver(match_id=match.pk)

    (message,) = mail.outbox
    assert message.subject.startswith("A client chose your firm:")
    for part in (message.body, message.alternatives[0][0]):
        assert "A client chose your firm on its Lawzana profile" in part
        assert said in part


def test_a_matched_firm_is_not_told_it_was_chosen(settings):
    chosen, other = FirmFactory(), FirmFactory(email="cases@other.example")
    lead = LeadFactory(requested_firm=chosen)
    match = MatchFactory(lead=lead, firm=other, status="pending", delivered_at=None)

    delivery.match_deliver(match_id=match.pk)

    (message,) = mail.outbox
    assert message.subject.startswith("New request:")
    assert "chose your firm" not in message.body


def test_the_portal_marks_the_request_a_client_chose_the_firm_for(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    firm = membership.firm
    chosen_for = MatchFactory(firm=firm, lead=LeadFactory(requested_firm=firm, requested_firm_only=True))
    MatchFactory(firm=firm, lead=LeadFactory())

    inbox = client.get(reverse("portal:inbox", kwargs={"firm_slug": firm.slug})).content.decode()
    detail = client.get(
        reverse("portal:match", kwargs={"firm_slug": firm.slug, "public_id": chosen_for.public_id})
    ).content.decode()

    assert inbox.count("Chose your firm") == 1
    assert "sent this request to you only: no other firm receives it" in detail


def test_the_status_page_says_where_the_request_went(client):
    chosen, other = FirmFactory(name="Chosen Law"), FirmFactory(name="Other Law")
    lead = LeadFactory(requested_firm=chosen, status="matched")
    MatchFactory(lead=lead, firm=chosen)
    MatchFactory(lead=lead, firm=other)

    page = client.get(lead.get_absolute_url()).content.decode()

    assert "Chosen Law first, then other suitable firms" in page
    assert page.count("You chose this firm: it received your request first.") == 1
    assert "Also send it to" not in page


def test_a_client_who_sent_to_one_firm_only_can_let_others_receive_it_too(
    client, harbin, cyber_law, django_capture_on_commit_callbacks
):
    chosen = FirmFactory(name="Chosen Law", cities=[harbin], practice_areas=[cyber_law])
    others = FirmFactory.create_batch(2, cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law, requested_firm=chosen, requested_firm_only=True)
    lead_match(lead_id=lead.pk)
    lead.matches.update(status=Match.Status.DECLINED)

    page = client.get(lead.get_absolute_url()).content.decode()
    assert "Only Chosen Law receives this request" in page
    assert "Chosen Law only" in page
    widen = reverse("intake:lead_widen", kwargs={"token": lead.token})
    assert f'action="{widen}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(widen, follow=True)

    assert "We will also send your request to other suitable firms." in answer.content.decode()
    assert set(matched_firms(lead)) == {chosen, *others}
    lead.refresh_from_db()
    assert not lead.requested_firm_only
    assert "Also send it to" not in answer.content.decode()
    assert client.post(widen).status_code == 302  # a second press changes nothing
    assert lead.matches.count() == 3


@pytest.mark.parametrize("status", [Lead.Status.NEW, Lead.Status.WITHDRAWN, Lead.Status.CLOSED])
def test_a_request_not_confirmed_or_ended_is_not_widened(client, status):
    lead = LeadFactory(requested_firm=FirmFactory(), requested_firm_only=True, status=status)

    client.post(reverse("intake:lead_widen", kwargs={"token": lead.token}))

    lead.refresh_from_db()
    assert lead.requested_firm_only


def test_the_data_download_names_the_firm_the_client_chose(client):
    lead = LeadFactory(requested_firm=FirmFactory(name="Chosen Law"), requested_firm_only=True)

    data = json.loads(client.get(reverse("intake:lead_export", kwargs={"token": lead.token})).content)

    assert (data["request"]["firm_chosen"], data["request"]["to_that_firm_only"]) == ("Chosen Law", True)


def test_a_firm_card_on_a_city_and_area_page_sends_a_request_to_that_firm_there(client, chosen, harbin, cyber_law):
    landing = client.get(
        reverse("guides:landing", kwargs={"country": "china", "city": "harbin", "practice_area": cyber_law.slug})
    ).content.decode()

    link = html.unescape(
        re.search(r'href="([^"]+)">Send a request<span class="visually-hidden"> to Songhua', landing).group(1)
    )
    assert link == f"{URL}?firm={chosen.slug}&city={harbin.pk}&practice_area={cyber_law.pk}"
    form = client.get(link)
    assert "Your request goes to Songhua Data Law" in form.content.decode()
    assert (selected_value(form, "what-city"), selected_value(form, "what-practice_area")) == (
        str(harbin.pk),
        str(cyber_law.pk),
    )


def test_the_form_from_a_profile_reads_the_firm_once(client, form_settings, chosen):
    client.get(URL)  # the pickers' options, read once per process and content generation
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?firm={chosen.slug}")

    firm_queries = [q["sql"] for q in queries.captured_queries if 'FROM "directory_firm"' in q["sql"]]
    assert len(firm_queries) == 1, firm_queries
    assert len(queries) <= 3  # the firm, its offices, its practice areas
