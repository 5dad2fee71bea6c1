"""The ranking formula (directory/ranking.py), as stated on the "How we rank" page."""

import math

import pytest

from directory.ranking import RankingInputs, bayesian_average, ranking_score
from tests.factories import FirmFactory


def score(*, ratings=(), completeness=0.5, response_score=None):
    return ranking_score(
        RankingInputs(
            review_count=len(ratings),
            rating_sum=sum(ratings),
            completeness=completeness,
            response_score=response_score,
        )
    )


@pytest.mark.parametrize(
    ("review_count", "rating_sum", "expected"),
    [
        (0, 0, 3.5),  # no reviews: the prior mean
        (1, 5, (5 * 3.5 + 5) / (5 + 1)),  # 3.75
        (2, 2, (5 * 3.5 + 2) / (5 + 2)),  # two 1-star reviews: 2.79
        (50, 240, (5 * 3.5 + 240) / (5 + 50)),  # fifty reviews averaging 4.8: 4.68
    ],
    ids=["no reviews", "one 5-star", "two 1-star", "fifty averaging 4.8"],
)
def test_the_bayesian_average_pulls_few_reviews_toward_the_prior(review_count, rating_sum, expected):
    assert bayesian_average(review_count=review_count, rating_sum=rating_sum) == pytest.approx(expected)


def test_the_bayesian_average_follows_the_prior_settings(settings):
    settings.RANKING_PRIOR_MEAN = 3.0
    settings.RANKING_PRIOR_WEIGHT = 10

    assert bayesian_average(review_count=2, rating_sum=10) == pytest.approx((10 * 3.0 + 10) / 12)


def test_the_score_of_a_firm_with_nothing_yet_is_the_neutral_terms_only():
    expected = 0.60 * (3.5 - 1) / 4 + 0.15 * 0 + 0.15 * 0 + 0.10 * 0.5

    assert score(completeness=0) == pytest.approx(expected)


def test_the_score_weighs_rating_volume_profile_and_response_as_published():
    expected = 0.60 * (3.75 - 1) / 4 + 0.15 * math.log(2) / math.log(51) + 0.15 * 0.8 + 0.10 * 0.25

    assert score(ratings=[5], completeness=0.8, response_score=0.25) == pytest.approx(expected, abs=1e-6)


def test_one_five_star_review_ranks_below_fifty_reviews_averaging_four_point_eight():
    fifty = [5] * 40 + [4] * 10

    assert sum(fifty) / len(fifty) == 4.8
    assert score(ratings=[5]) < score(ratings=fifty)


def test_the_volume_term_stops_growing_at_fifty_reviews():
    assert score(ratings=[4] * 50) < score(ratings=[4] * 200)  # the average still moves
    gain_to_50 = score(ratings=[4] * 50) - score(ratings=[4] * 10)
    gain_past_50 = score(ratings=[4] * 200) - score(ratings=[4] * 50)
    assert gain_past_50 < gain_to_50


def test_a_more_complete_profile_ranks_higher_all_else_equal():
    assert score(ratings=[4, 5], completeness=0.5) < score(ratings=[4, 5], completeness=0.9)


def test_an_unknown_response_score_counts_as_the_middle_value():
    assert score(ratings=[4], response_score=None) == score(ratings=[4], response_score=0.5)
    assert score(ratings=[4], response_score=0.2) < score(ratings=[4], response_score=None)
    assert score(ratings=[4], response_score=None) < score(ratings=[4], response_score=0.8)


@pytest.mark.parametrize(
    "inputs",
    [
        RankingInputs(review_count=0, rating_sum=0, completeness=0, response_score=0),
        RankingInputs(review_count=10_000, rating_sum=10_000, completeness=0, response_score=0),
        RankingInputs(review_count=10_000, rating_sum=50_000, completeness=1, response_score=1),
        RankingInputs(review_count=3, rating_sum=15, completeness=1.7, response_score=1),
        RankingInputs(review_count=3, rating_sum=3, completeness=-0.3, response_score=0),
    ],
    ids=["nothing", "many 1-star", "perfect", "completeness above 1", "completeness below 0"],
)
def test_the_score_stays_between_zero_and_one(inputs):
    assert 0 <= ranking_score(inputs) <= 1


def test_the_worst_and_best_firms_land_near_the_ends_of_the_scale():
    worst = ranking_score(RankingInputs(review_count=10_000, rating_sum=10_000, completeness=0, response_score=0))
    best = ranking_score(RankingInputs(review_count=10_000, rating_sum=50_000, completeness=1, response_score=1))

    assert worst < 0.16  # only the volume term is earned
    assert best > 0.99


@pytest.mark.django_db
def test_stored_ranks_put_fifty_good_reviews_above_a_single_perfect_one(harbin, cyber_law):
    single = FirmFactory(complete=True, cities=[harbin], practice_areas=[cyber_law], ratings=[5])
    many = FirmFactory(complete=True, cities=[harbin], practice_areas=[cyber_law], ratings=[5] * 40 + [4] * 10)

    assert single.rating_average > many.rating_average
    assert single.ranking_score < many.ranking_score


@pytest.mark.django_db
def test_the_how_we_rank_page_states_the_formula_and_that_payment_never_counts(client, assert_valid_html):
    response = client.get("/how-we-rank/")

    assert response.status_code == 200
    text = " ".join("".join(assert_valid_html(response.content).find(".//main").itertext()).split())
    for weight, term in [(60, "client ratings"), (15, "number of reviews"), (15, "profile completeness")]:
        assert f"{weight}%: {term}." in text
    assert "10%: responsiveness." in text
    assert "with m = 3.5 and C = 5" in text
    assert "No firm can pay for a better position." in text
    assert "Payment of any kind, advertising or sponsorship." in text


@pytest.mark.django_db
def test_the_how_we_rank_page_follows_the_settings(client, settings):
    settings.RANKING_PRIOR_MEAN = 3.0
    settings.RANKING_PRIOR_WEIGHT = 8
    settings.FIRM_VERIFICATION_VALID_MONTHS = 18

    content = client.get("/how-we-rank/").content.decode()

    assert "with m = 3.0 and C = 8" in content
    assert "A verification older than 18 months lapses" in content
