"""lead_match's round trips: a first matching skips the query for earlier matches, and every
later one still sees them, however they were made."""

import pytest

from intake.models import Lead, Match
from intake.services.routing import lead_match
from tests.factories import FirmFactory
from tests.intake.test_matching import make_lead, matched_firms

pytestmark = pytest.mark.django_db


def test_a_first_matching_runs_one_query_per_step(harbin, cyber_law, settings, django_assert_max_num_queries):
    settings.LEAD_FANOUT = 3
    FirmFactory.create_batch(5, cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law)

    # A savepoint, the locked lead, the candidates, the matches, the lead's status, the release.
    with django_assert_max_num_queries(6):
        created = lead_match(lead_id=lead.pk)

    assert len(created) == 3
    lead.refresh_from_db()
    assert lead.status == Lead.Status.MATCHED
    assert lead.matched_at is not None


def test_matches_made_without_matched_at_are_still_seen(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 2
    earlier, newcomer = FirmFactory.create_batch(2, cities=[harbin], practice_areas=[cyber_law])
    lead = make_lead(city=harbin, practice_area=cyber_law)
    Match.objects.create(lead=lead, firm=earlier, slot=1, round=1, score=1, reason="by hand")
    assert lead.matched_at is None

    lead_match(lead_id=lead.pk)

    assert matched_firms(lead) == [earlier, newcomer]
    assert list(lead.matches.order_by("slot").values_list("slot", "round")) == [(1, 1), (2, 2)]


def test_a_lead_matched_before_is_matched_around_its_earlier_firms(harbin, cyber_law, settings):
    settings.LEAD_FANOUT = 2
    first = FirmFactory(cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5])
    lead = make_lead(city=harbin, practice_area=cyber_law)
    lead_match(lead_id=lead.pk)
    second = FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    lead_match(lead_id=lead.pk)
    lead_match(lead_id=lead.pk)  # nothing left to fill

    assert matched_firms(lead) == [first, second]
