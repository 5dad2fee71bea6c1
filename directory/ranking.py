"""How Lawzana orders firms. The "How we rank" page states the same formula.

    bayesian   = (C × m + sum of ratings) / (C + n)        published reviews only
    rating     = (bayesian − 1) / 4                        0..1
    volume     = min(1, ln(1 + n) / ln(1 + 50))            0..1, saturates at 50 reviews
    profile    = completeness of the public profile        0..1
    response   = 0.5 × answered + 0.5 × 1 / (1 + median hours / 24)            0..1
                 answered: the share of requests the firm answered (accepted, declined
                 or returned), over those delivered in the last 180 days whose outcome is
                 known (answered, or expired unanswered; requests still open, or withdrawn
                 by the client before an answer, do not count); median hours: from
                 delivery to the answer. 0.5 (neutral) until 3 such requests exist.
                 intake.services.response.firms_response_refresh writes it to Firm.response_score
                 (directory never imports intake).

    score = 0.60 × rating + 0.15 × volume + 0.15 × profile + 0.10 × response

m (RANKING_PRIOR_MEAN, 3.5) and C (RANKING_PRIOR_WEIGHT, 5) pull firms with few reviews
toward the middle, so one 5-star review does not outrank fifty 4.8s. Nothing a firm pays
enters the score, and being verified does not change it either (it is a filter instead).
"""

import math
from dataclasses import dataclass

from django.conf import settings

WEIGHTS = {"rating": 0.60, "volume": 0.15, "profile": 0.15, "response": 0.10}
VOLUME_SATURATION = 50
NEUTRAL_RESPONSE = 0.5


@dataclass(frozen=True)
class RankingInputs:
    review_count: int
    rating_sum: int
    completeness: float
    response_score: float | None = None


def bayesian_average(*, review_count: int, rating_sum: int) -> float:
    prior_mean, prior_weight = settings.RANKING_PRIOR_MEAN, settings.RANKING_PRIOR_WEIGHT
    return (prior_weight * prior_mean + rating_sum) / (prior_weight + review_count)


def ranking_score(inputs: RankingInputs) -> float:
    bayesian = bayesian_average(review_count=inputs.review_count, rating_sum=inputs.rating_sum)
    terms = {
        "rating": (bayesian - 1) / 4,
        "volume": min(1.0, math.log1p(inputs.review_count) / math.log1p(VOLUME_SATURATION)),
        "profile": max(0.0, min(1.0, inputs.completeness)),
        "response": NEUTRAL_RESPONSE if inputs.response_score is None else max(0.0, min(1.0, inputs.response_score)),
    }
    return round(sum(WEIGHTS[name] * value for name, value in terms.items()), 6)


# What makes a complete profile: each item counts equally.
COMPLETENESS_ITEMS = (
    "description",
    "year_established",
    "size",
    "languages",
    "practice_areas",
    "offices",
    "lawyers",
    "contact",
    "website",
)
MIN_DESCRIPTION_LENGTH = 150


def completeness_present(*, firm, counts: dict) -> dict[str, bool]:
    """For each of COMPLETENESS_ITEMS, whether the profile has it; `counts` holds
    languages/practice_areas/offices/lawyers."""
    return {
        # In either language: a firm that writes only Chinese has described itself too.
        "description": max(len(firm.description_md.strip()), len(firm.description_md_zh_hans.strip()))
        >= MIN_DESCRIPTION_LENGTH,
        "year_established": firm.year_established is not None,
        "size": bool(firm.size),
        "languages": counts.get("languages", 0) > 0,
        "practice_areas": counts.get("practice_areas", 0) > 0,
        "offices": counts.get("offices", 0) > 0,
        "lawyers": counts.get("lawyers", 0) > 0,
        "contact": bool(firm.email or firm.phone),
        "website": bool(firm.website),
    }


def completeness(*, firm, counts: dict) -> float:
    """Share of COMPLETENESS_ITEMS present."""
    present = completeness_present(firm=firm, counts=counts)
    return round(sum(present[item] for item in COMPLETENESS_ITEMS) / len(COMPLETENESS_ITEMS), 4)
