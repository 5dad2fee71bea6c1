"""Who receives a request: lead_match and its selection rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from intake.models import Consent, Lead, Match
from intake.services.routing import lead_match
from tests.factories import CityFactory, FirmFactory, PracticeAreaFactory, RegionFactory

pytestmark = pytest.mark.django_db


def make_lead(*, city, practice_area, share=True, language=None, status=Lead.Status.CONFIRMED, **fields):
    values = {
        "description": "We had a data breach and need advice on notifying customers.",
        "urgency": Lead.Urgency.URGENT,
        "budget": Lead.Budget.UNSURE,
        "client_type": Lead.ClientType.BUSINESS,
        "name": "Wang Fang",
        "email": "wang@example.com",
        "dedupe_key": f"k{Lead.objects.count()}",
        **fields,
    }
    lead = Lead.objects.create(
        city=city, practice_area=practice_area, preferred_language=language, status=status, **values
    )
    purposes = ["process", "share"] if share else ["process"]
    for purpose in purposes:
        Consent.objects.create(lead=lead, purpose=purpose, policy_version="v", text_digest="0" * 64, locale="en")
    return lead


def matched_firms(lead):
    return [m.firm for m in lead.matches.order_by("slot")]


def test_it_matches_only_firms_accepting_requests_in_the_city(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 3
    open_firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], is_accepting_leads=False)
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], is_listed=False)
    FirmFactory(cities=[harbin], practice_areas=[PracticeAreaFactory()])  # another area
    lead = make_lead(city=harbin, practice_area=cyber_law)

    created = lead_match(lead_id=lead.pk)

    assert [m.firm for m in created] == [open_firm]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED
    assert "Harbin" in created[0].reason


def test_it_never_gives_a_request_to_more_than_k_firms(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 2
    FirmFactory.create_batch(4, cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)
    lead_match(lead_id=lead.pk)  # a second run (a re-sent task) adds nobody

    assert lead.matches.count() == 2
    assert sorted(lead.matches.values_list("slot", flat=True)) == [1, 2]


def test_the_database_refuses_a_match_beyond_the_cap(harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law)
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(lead=lead, firm=firm, slot=4, reason="x")


def test_the_database_refuses_a_second_match_for_the_same_firm(harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law)
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    Match.objects.create(lead=lead, firm=firm, slot=1, reason="x")

    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(lead=lead, firm=firm, slot=2, reason="x")


def test_it_falls_back_to_the_region_then_the_country(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 3
    daqing = CityFactory(region=harbin.region, name="Daqing", slug="daqing")
    beijing = CityFactory(region=RegionFactory(country=harbin.country, name="Beijing", slug="beijing"))
    in_city = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    in_region = FirmFactory(cities=[daqing], practice_areas=[cyber_law])
    in_country = FirmFactory(cities=[beijing], practice_areas=[cyber_law])
    abroad = FirmFactory(
        cities=[
            CityFactory(region=RegionFactory(country__name="Germany", country__slug="germany", country__code="DE"))
        ],
        practice_areas=[cyber_law],
    )
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [in_city, in_region, in_country]
    assert abroad not in matched_firms(lead)
    reasons = list(lead.matches.order_by("slot").values_list("reason", flat=True))
    assert "office in Harbin" in reasons[0]
    assert "Heilongjiang" in reasons[1] or harbin.region.name in reasons[1]


def test_it_prefers_the_clients_language_over_rank(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 1
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], languages=["zh"], ratings=[5, 5, 5, 5], complete=True)
    russian = FirmFactory(cities=[harbin], practice_areas=[cyber_law], languages=["ru"])
    lead = make_lead(city=harbin, practice_area=cyber_law, language=russian.languages.get())

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [russian]
    assert "speaks Russian" in lead.matches.get().reason


def test_it_ranks_firms_by_score_when_language_does_not_decide(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 1
    FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=[2, 2])
    best = FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5, 5], complete=True)
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [best]


def test_it_skips_firms_at_their_weekly_capacity(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 1
    busy = FirmFactory(cities=[harbin], practice_areas=[cyber_law], lead_capacity_per_week=1, ratings=[5, 5, 5])
    other = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    earlier = make_lead(city=harbin, practice_area=cyber_law)
    Match.objects.create(lead=earlier, firm=busy, slot=1, reason="x")
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [other]


def test_capacity_frees_up_after_a_week(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 1
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], lead_capacity_per_week=1)
    earlier = make_lead(city=harbin, practice_area=cyber_law)
    Match.objects.create(
        lead=earlier, firm=firm, slot=1, reason="x", created_at=timezone.now() - datetime.timedelta(days=8)
    )
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [firm]


def test_equally_ranked_firms_share_requests_fairly(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 1
    firms = FirmFactory.create_batch(3, cities=[harbin], practice_areas=[cyber_law])
    assert len({f.ranking_score for f in firms}) == 1

    received = []
    for _ in range(6):
        lead = make_lead(city=harbin, practice_area=cyber_law)
        lead_match(lead_id=lead.pk)
        received.append(lead.matches.get().firm_id)

    assert sorted(received.count(f.pk) for f in firms) == [2, 2, 2]


def test_a_group_request_reaches_firms_of_its_areas(harbin, cyber_law, settings):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law.parent)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [firm]


def test_no_eligible_firm_leaves_the_request_unmatched(harbin, cyber_law):
    lead = make_lead(city=harbin, practice_area=cyber_law)

    assert lead_match(lead_id=lead.pk) == []
    lead.refresh_from_db()
    assert lead.status == Lead.Status.UNMATCHED


@pytest.mark.parametrize(
    ("share", "status"),
    [
        (False, Lead.Status.CONFIRMED),  # no consent to share: never matched
        (True, Lead.Status.NEW),  # email not confirmed yet
        (True, Lead.Status.WITHDRAWN),
        (True, Lead.Status.EXPIRED),
    ],
)
def test_it_never_shares_a_request_it_may_not_share(harbin, cyber_law, share, status):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law, share=share, status=status)

    assert lead_match(lead_id=lead.pk) == []
    assert not lead.matches.exists()


def test_rerouting_fills_only_the_free_slots_with_new_firms(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 2
    first = FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5])
    lead = make_lead(city=harbin, practice_area=cyber_law)
    lead_match(lead_id=lead.pk)
    assert matched_firms(lead) == [first]  # only one firm existed

    newcomer = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    lead_match(lead_id=lead.pk)

    matches = list(lead.matches.order_by("slot"))
    assert [(m.firm, m.slot, m.round) for m in matches] == [(first, 1, 1), (newcomer, 2, 2)]


def test_matching_runs_a_bounded_number_of_queries(harbin, cyber_law, settings, django_assert_max_num_queries):
    settings.LEAD_FANOUT = 3
    FirmFactory.create_batch(12, cities=[harbin], practice_areas=[cyber_law], languages=["zh", "en"])
    lead = make_lead(city=harbin, practice_area=cyber_law)

    with django_assert_max_num_queries(20):
        lead_match(lead_id=lead.pk)


def test_a_city_with_too_few_firms_is_completed_from_its_region_without_searching_the_country(
    harbin, cyber_law, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LEAD_FANOUT = 3
    daqing = CityFactory(region=harbin.region, name="Daqing", slug="daqing")
    beijing = CityFactory(region=RegionFactory(country=harbin.country, name="Beijing", slug="beijing"))
    in_city = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    in_region = FirmFactory.create_batch(2, cities=[daqing], practice_areas=[cyber_law])
    FirmFactory(cities=[beijing], practice_areas=[cyber_law], ratings=[5, 5, 5], complete=True)
    lead = make_lead(city=harbin, practice_area=cyber_law)

    with CaptureQueriesContext(connection) as queries:
        lead_match(lead_id=lead.pk)

    assert matched_firms(lead)[0] == in_city
    assert set(matched_firms(lead)[1:]) == set(in_region)
    selections = [q["sql"] for q in queries if "directory_office" in q["sql"]]
    assert len(selections) == 2  # the city, then its region: the country's offices are not read
    assert not any("country_id" in sql for sql in selections)


def test_firms_at_capacity_do_not_hide_an_eligible_firm_ranked_below_them(harbin, cyber_law, settings, monkeypatch):
    from intake import matching

    monkeypatch.setattr(matching, "TIE_MARGIN", 0)  # the query's limit is then exactly the firms needed
    settings.LEAD_FANOUT = 1
    busy = FirmFactory(cities=[harbin], practice_areas=[cyber_law], lead_capacity_per_week=1, ratings=[5, 5, 5])
    free = FirmFactory(cities=[harbin], practice_areas=[cyber_law])
    Match.objects.create(lead=make_lead(city=harbin, practice_area=cyber_law), firm=busy, slot=1, reason="x")
    lead = make_lead(city=harbin, practice_area=cyber_law)

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [free]


def test_a_candidates_firm_reads_the_fields_the_selection_did_not_load(harbin, cyber_law):
    from intake.matching import find_candidates

    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], email="cases@firm.example")
    lead = make_lead(city=harbin, practice_area=cyber_law)

    (candidate,) = find_candidates(lead=lead, needed=1)

    assert candidate.firm.pk == firm.pk
    assert (candidate.firm.name, candidate.firm.slug, candidate.firm.email) == (firm.name, firm.slug, firm.email)
