"""How quickly and how often a firm answers requests: the figures behind the ranking's
response term and the profile's response time (intake.services.response.firms_response_refresh)."""

import datetime

import pytest
import time_machine

from directory.models import Firm
from directory.ranking import RankingInputs, ranking_score
from intake.models import Lead, Match
from intake.services import answers, response, sweeps
from tests.factories import FirmFactory, LeadFactory, MatchFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def delivered(firm, *, at, status="viewed", answered_after=None, **kwargs):
    return MatchFactory(
        firm=firm,
        lead=LeadFactory(status=Lead.Status.MATCHED),
        status=status,
        delivered_at=at,
        responded_at=at + answered_after if answered_after is not None else None,
        **kwargs,
    )


@pytest.fixture
def firm():
    return FirmFactory()


@time_machine.travel(NOW, tick=False)
def test_the_median_and_the_score_follow_the_formula(firm):
    day_ago = NOW - datetime.timedelta(days=1)
    delivered(firm, at=day_ago, status="accepted", answered_after=2 * HOUR)
    delivered(firm, at=day_ago, status="declined", answered_after=4 * HOUR)
    delivered(firm, at=day_ago, status="returned", answered_after=10 * HOUR)
    delivered(firm, at=day_ago, status="expired")  # unanswered: lowers the share
    # Not counted: still open, withdrawn before an answer, outside the 180 days, another firm.
    delivered(firm, at=NOW - HOUR, status="viewed")
    delivered(firm, at=day_ago, status="cancelled")
    delivered(firm, at=NOW - datetime.timedelta(days=181), status="expired")
    delivered(FirmFactory(), at=day_ago, status="expired")

    response.firms_response_refresh(firm_ids=[firm.pk])

    firm.refresh_from_db()
    assert firm.median_response_hours == 4.0
    # 0.5 × 3/4 answered + 0.5 × 1 / (1 + 4/24)
    assert firm.response_score == pytest.approx(0.5 * 0.75 + 0.5 / (1 + 4 / 24), abs=1e-4)
    assert firm.response_score == 0.8036


@time_machine.travel(NOW, tick=False)
def test_the_ranking_takes_the_new_response_score(firm):
    for hours in (1, 1, 1):
        delivered(firm, at=NOW - 3 * HOUR, status="accepted", answered_after=hours * HOUR)

    response.firms_response_refresh(firm_ids=[firm.pk])

    firm.refresh_from_db()
    assert firm.response_score == pytest.approx(0.5 + 0.5 / (1 + 1 / 24), abs=1e-4)
    expected = ranking_score(
        RankingInputs(review_count=0, rating_sum=0, completeness=firm.completeness, response_score=firm.response_score)
    )
    assert firm.ranking_score == expected
    assert firm.ranking_score > ranking_score(
        RankingInputs(review_count=0, rating_sum=0, completeness=firm.completeness, response_score=None)
    )


@time_machine.travel(NOW, tick=False)
def test_fewer_than_three_known_outcomes_leave_the_figures_empty(firm):
    Firm.objects.filter(pk=firm.pk).update(response_score=0.9, median_response_hours=1.0)
    delivered(firm, at=NOW - 5 * HOUR, status="accepted", answered_after=HOUR)
    delivered(firm, at=NOW - 5 * HOUR, status="expired")
    delivered(firm, at=NOW - 5 * HOUR, status="delivered")

    response.firms_response_refresh(firm_ids=[firm.pk])

    firm.refresh_from_db()
    assert firm.response_score is None and firm.median_response_hours is None


@time_machine.travel(NOW, tick=False)
def test_a_firm_that_never_answers_scores_zero(firm):
    for _ in range(3):
        delivered(firm, at=NOW - datetime.timedelta(days=3), status="expired")

    response.firms_response_refresh(firm_ids=[firm.pk])

    firm.refresh_from_db()
    assert firm.response_score == 0.0 and firm.median_response_hours is None


@time_machine.travel(NOW, tick=False)
def test_an_accepted_request_the_client_later_withdrew_still_counts_as_answered(firm):
    for _ in range(3):
        delivered(firm, at=NOW - 10 * HOUR, status="cancelled", answered_after=3 * HOUR)

    response.firms_response_refresh(firm_ids=[firm.pk])

    firm.refresh_from_db()
    assert firm.median_response_hours == 3.0


def test_answering_through_the_portal_times_from_delivery_to_answer(harbin):
    membership = MembershipFactory()
    with time_machine.travel(NOW, tick=False):
        matches = [delivered(membership.firm, at=NOW) for _ in range(3)]
    for hours, match in zip((1.5, 3, 30), matches, strict=True):
        with time_machine.travel(NOW + hours * HOUR, tick=False):
            answers.match_decline(match_id=match.pk, user=membership.user, reason="capacity")
    membership.firm.refresh_from_db()
    assert membership.firm.response_figures_due
    assert membership.firm.median_response_hours is None  # not until the scheduled refresh

    with time_machine.travel(NOW + 31 * HOUR, tick=False):
        assert response.response_figures_refresh() == 1

    membership.firm.refresh_from_db()
    assert not membership.firm.response_figures_due
    assert membership.firm.median_response_hours == 3.0
    assert membership.firm.response_score == pytest.approx(0.5 + 0.5 / (1 + 3 / 24), abs=1e-4)


def test_expiring_unanswered_requests_updates_the_firms_figures(settings, firm, django_capture_on_commit_callbacks):
    settings.LEAD_RESPONSE_WINDOW_HOURS = 24
    with time_machine.travel(NOW, tick=False):
        delivered(firm, at=NOW - 2 * HOUR, status="accepted", answered_after=HOUR)
        delivered(firm, at=NOW - 2 * HOUR, status="declined", answered_after=HOUR)
        late = delivered(firm, at=NOW - 30 * HOUR, status="viewed")
        response.firms_response_refresh(firm_ids=[firm.pk])
        firm.refresh_from_db()
        assert firm.response_score is None  # two known outcomes only

        with django_capture_on_commit_callbacks(execute=True):
            assert sweeps.matches_expire_and_reroute() == 1
        response.response_figures_refresh()

    late.refresh_from_db()
    assert late.status == Match.Status.EXPIRED
    firm.refresh_from_db()
    assert firm.median_response_hours == 1.0
    assert firm.response_score == pytest.approx(0.5 * 2 / 3 + 0.5 / (1 + 1 / 24), abs=1e-4)


def test_expiring_old_requests_updates_the_firms_figures(settings, firm):
    settings.LEAD_EXPIRY_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        old = NOW - datetime.timedelta(days=31)
        for _ in range(3):
            match = delivered(firm, at=old, status="viewed")
            Lead.objects.filter(pk=match.lead_id).update(created_at=old)

        sweeps.leads_expire()
        response.response_figures_refresh()

    firm.refresh_from_db()
    assert firm.response_score == 0.0


def test_the_profile_shows_the_response_time_once_known(client, harbin):
    firm = FirmFactory(slug="quick-firm", cities=[harbin])
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            delivered(firm, at=NOW - 5 * HOUR, status="accepted", answered_after=2 * HOUR)
        response.firms_response_refresh(firm_ids=[firm.pk])

    content = client.get(firm.get_absolute_url()).content.decode()

    assert "about 2 h" in content
