"""The conflict pre-check (issue 23): a request that names its other party is not given to a
firm whose conflict list holds that party; another firm takes the place; the firm learns only
a weekly count; the client who chose that firm is told it cannot take the request, without a
reason; and the name never leaves Lawzana."""

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.matches import match_data
from directory import conflicts
from directory.models import ConflictEntry, ConflictTally
from intake import events
from intake.models import Lead, Match
from intake.services import client_actions, delivery
from intake.services.routing import lead_match
from tests.factories import FirmFactory, MembershipFactory
from tests.intake.test_form import URL, details_data, post_step, walk, what_data
from tests.intake.test_matching import make_lead, matched_firms
from webhooks.services import request_payload

pytestmark = pytest.mark.django_db

OTHER_PARTY = "Harbin Ice Tech Co., Ltd."


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LEAD_FANOUT = 3
    settings.LEAD_MIN_FILL_SECONDS = 0  # the form's own tests set the same
    settings.LEAD_RATE_LIMIT = "1000/m"


@pytest.fixture
def firms(harbin, cyber_law):
    """Four firms in Harbin, best ranked first; the best holds the other party on its list."""
    ranked = [
        FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=ratings)
        for ratings in ([5, 5, 5], [5, 5], [5], [])
    ]
    assert [f.ranking_score for f in ranked] == sorted((f.ranking_score for f in ranked), reverse=True)
    conflicts.entry_add(firm=ranked[0], name="HARBIN ICE TECH", label="Client 2024-031")
    return ranked


# --- The client -------------------------------------------------------------------------------


def test_the_form_asks_for_the_other_party_optionally_and_says_why(client, harbin, cyber_law):
    with_party = walk(client, cyber_law, harbin, details=details_data(**{"details-other_party": OTHER_PARTY}))
    assert with_party.status_code == 302
    client.cookies.clear()
    without = walk(client, cyber_law, harbin, details=details_data(**{"details-description": "A" * 40 + " other"}))
    assert without.status_code == 302

    assert list(Lead.objects.order_by("pk").values_list("other_party", flat=True)) == [OTHER_PARTY, ""]


def test_the_details_step_explains_the_field(client, harbin, cyber_law):
    client.get(URL)
    page = post_step(client, what_data(cyber_law, harbin)).content.decode()

    assert "The other party" in page and "(optional)" in page
    assert "No law firm sees it" in page and "conflict of interest" in page


def test_the_other_party_never_reaches_a_firm(harbin, cyber_law, mailoutbox):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="cases@firm.example")
    MembershipFactory(firm=firm, owner=True)
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY)
    (match,) = lead_match(lead_id=lead.pk)

    delivery.match_deliver(match_id=match.pk)
    match = Match.objects.select_related("lead__practice_area", "lead__city", "firm").get(pk=match.pk)

    sent = [
        match.sent_summary,
        json.dumps(match.sent_fields),
        json.dumps(request_payload(match, events.REQUEST_RECEIVED), default=str),
        json.dumps(match_data(match), default=str),
        *(m.body + m.subject + "".join(str(a[0]) for a in getattr(m, "alternatives", [])) for m in mail.outbox),
    ]
    assert mail.outbox
    for text in sent:
        assert "Harbin Ice" not in text and "harbinicetech" not in text


def test_erasing_the_request_erases_the_other_party(harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY)

    client_actions.lead_erase(lead=lead)

    assert Lead.objects.get(pk=lead.pk).other_party == ""


# --- Firms with and without a hit -------------------------------------------------------------


def test_a_firm_holding_the_other_party_is_skipped_and_another_fills_its_place(firms, harbin, cyber_law):
    conflicted, *others = firms
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party="Ｈａｒｂｉｎ Ｉｃｅ Ｔｅｃｈ")

    created = lead_match(lead_id=lead.pk)

    assert len(created) == 3
    assert matched_firms(lead) == others
    assert conflicts.skips_this_week(firm=conflicted) == 1
    assert all(conflicts.skips_this_week(firm=firm) == 0 for firm in others)


def test_the_same_request_is_counted_once_however_often_it_is_matched(firms, harbin, cyber_law):
    conflicted = firms[0]
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY)

    lead_match(lead_id=lead.pk)
    Match.objects.filter(lead=lead, slot=3).update(status=Match.Status.EXPIRED)
    Match.objects.filter(lead=lead, slot=3).delete()  # a free slot, as re-routing finds it
    lead_match(lead_id=lead.pk)

    assert conflicts.skips_this_week(firm=conflicted) == 1


def test_the_count_is_the_only_trace_and_names_no_request(firms, harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY)

    lead_match(lead_id=lead.pk)

    (tally,) = ConflictTally.objects.filter(kind=ConflictTally.Kind.SKIPPED_WEEK)
    assert {f.name for f in ConflictTally._meta.concrete_fields} == {"id", "firm", "kind", "period", "count"}
    assert (tally.firm, tally.count) == (firms[0], 1)


def test_a_request_without_the_other_party_is_matched_as_before(firms, harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == firms[:3]
    assert conflicts.skips_this_week(firm=firms[0]) == 0


def test_a_firm_whose_list_holds_other_names_is_matched_as_before(firms, harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party="Songhua Paper Mill")

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == firms[:3]
    assert conflicts.skips_this_week(firm=firms[0]) == 0


def test_a_conflicted_firm_outside_the_chosen_few_is_not_counted(firms, harbin, cyber_law):
    conflicts.entry_add(firm=firms[3], name=OTHER_PARTY, label="Client 7")  # ranked fourth
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == firms[1:3]  # the only two left: nobody else is eligible
    assert conflicts.skips_this_week(firm=firms[0]) == 1
    assert conflicts.skips_this_week(firm=firms[3]) == 1  # it would have taken the third place


def test_the_lists_are_read_in_one_query_whatever_the_number_of_firms(firms, harbin, cyber_law):
    for firm in firms[1:]:
        conflicts.entry_add(firm=firm, name="Someone Else Ltd", label="Client 1")
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY)

    with CaptureQueriesContext(connection) as queries:
        lead_match(lead_id=lead.pk)

    table = ConflictEntry._meta.db_table
    assert len([q for q in queries.captured_queries if table in q["sql"]]) == 1


# --- The firm the client chose ----------------------------------------------------------------


def test_a_chosen_firm_with_a_conflict_is_not_sent_the_request_and_the_client_is_told_without_a_reason(
    client, firms, harbin, cyber_law
):
    chosen = firms[0]
    lead = make_lead(
        city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY, requested_firm=chosen, requested_firm_only=True
    )

    assert lead_match(lead_id=lead.pk) == []

    lead.refresh_from_db()
    assert lead.requested_firm_unavailable and lead.status == Lead.Status.UNMATCHED
    assert conflicts.skips_this_week(firm=chosen) == 1
    page = " ".join(client.get(lead.get_absolute_url()).content.decode().split())
    assert f"{chosen.name} cannot take your request." in page
    assert "You can send it to other firms instead." in page
    assert reverse("intake:lead_widen", kwargs={"token": lead.token}) in page
    assert "conflict" not in page.lower() and "Client 2024-031" not in page


def test_the_client_who_widens_reaches_other_firms_and_the_chosen_one_is_not_counted_again(
    client, firms, harbin, cyber_law, django_capture_on_commit_callbacks
):
    chosen = firms[0]
    lead = make_lead(
        city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY, requested_firm=chosen, requested_firm_only=True
    )
    lead_match(lead_id=lead.pk)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:lead_widen", kwargs={"token": lead.token}))

    assert matched_firms(lead) == firms[1:]
    assert conflicts.skips_this_week(firm=chosen) == 1
    page = " ".join(client.get(lead.get_absolute_url()).content.decode().split())
    assert f"{chosen.name} cannot take your request, so we sent it to other suitable firms." in page


def test_a_chosen_firm_first_with_a_conflict_leaves_its_place_to_others(firms, harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY, requested_firm=firms[0])

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == firms[1:]
    assert Lead.objects.get(pk=lead.pk).requested_firm_unavailable
    assert conflicts.skips_this_week(firm=firms[0]) == 1  # once, though both passes met it


def test_a_chosen_firm_that_stopped_taking_requests_is_not_counted_as_a_conflict(firms, harbin, cyber_law):
    firms[0].is_accepting_leads = False
    firms[0].save(update_fields=["is_accepting_leads"])
    lead = make_lead(
        city=harbin,
        practice_area=cyber_law,
        other_party=OTHER_PARTY,
        requested_firm=firms[0],
        requested_firm_only=True,
    )

    lead_match(lead_id=lead.pk)

    assert Lead.objects.get(pk=lead.pk).requested_firm_unavailable  # told the same way
    assert conflicts.skips_this_week(firm=firms[0]) == 0


def test_a_chosen_firm_without_a_conflict_still_comes_first(firms, harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law, other_party=OTHER_PARTY, requested_firm=firms[3])

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [firms[3], firms[1], firms[2]]
    assert not Lead.objects.get(pk=lead.pk).requested_firm_unavailable
