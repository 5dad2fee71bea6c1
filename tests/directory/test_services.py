"""directory/services/: what firms_refresh derives, and review moderation."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Firm, Review
from directory.ranking import RankingInputs, ranking_score
from directory.services.firms import firms_refresh
from directory.services.reviews import review_publish, review_reject
from tests.factories import (
    FirmFactory,
    LanguageFactory,
    LawyerFactory,
    OfficeFactory,
    ReviewFactory,
    StaffFactory,
    VerificationFactory,
    refresh,
)

pytestmark = pytest.mark.django_db

LONG_DESCRIPTION = "We advise companies and families on contracts, disputes and data. " * 3


def test_ratings_and_review_counts_come_from_published_reviews_only():
    firm = FirmFactory()
    ReviewFactory(firm=firm, rating=5, is_verified=True)
    ReviewFactory(firm=firm, rating=4)
    ReviewFactory(firm=firm, rating=1, status=Review.Status.PENDING, is_verified=True)
    ReviewFactory(firm=firm, rating=1, status=Review.Status.REJECTED, rejection_reason="Spam", is_verified=True)

    refresh(firm)

    assert firm.rating_average == Decimal("4.50")
    assert firm.review_count == 2
    assert firm.verified_review_count == 1


def test_a_firm_without_published_reviews_has_no_rating():
    firm = FirmFactory()
    ReviewFactory(firm=firm, rating=5, status=Review.Status.PENDING)

    refresh(firm)

    assert firm.rating_average is None
    assert firm.review_count == 0
    assert firm.verified_review_count == 0


def test_the_average_is_rounded_to_two_decimals():
    firm = FirmFactory(ratings=[5, 4, 4])

    assert firm.rating_average == Decimal("4.33")


def test_a_complete_profile_scores_full_completeness(harbin, cyber_law):
    firm = FirmFactory(
        description_md=LONG_DESCRIPTION,
        year_established=2008,
        size="small",
        website="https://example.com",
        email="hi@example.com",
        cities=[harbin],
        practice_areas=[cyber_law],
        languages=["en"],
    )
    LawyerFactory(firm=firm)

    assert refresh(firm).completeness == 1.0
    assert firm.completeness_percent == 100


def test_an_empty_profile_scores_no_completeness():
    assert FirmFactory(description_md="").completeness == 0


@pytest.mark.parametrize(
    "missing",
    [
        "description",
        "year_established",
        "size",
        "languages",
        "practice_areas",
        "offices",
        "lawyers",
        "contact",
        "website",
    ],
)
def test_each_of_the_nine_completeness_items_counts_for_one_ninth(harbin, cyber_law, missing):
    fields = {
        "description_md": LONG_DESCRIPTION,
        "year_established": 2008,
        "size": "small",
        "website": "https://example.com",
        "email": "hi@example.com",
        "phone": "+86 451 0000 0000",
    }
    if missing == "description":
        fields["description_md"] = "Short."
    elif missing == "contact":
        fields["email"] = fields["phone"] = ""
    elif missing in fields:
        fields[missing] = None if missing == "year_established" else ""
    firm = FirmFactory(
        **fields,
        cities=[] if missing == "offices" else [harbin],
        practice_areas=[] if missing == "practice_areas" else [cyber_law],
        languages=[] if missing == "languages" else ["en"],
    )
    if missing != "lawyers":
        LawyerFactory(firm=firm)

    assert refresh(firm).completeness == round(8 / 9, 4)


def test_a_description_counts_from_150_characters():
    short = FirmFactory(description_md="x" * 149)
    enough = FirmFactory(description_md="x" * 150)

    assert short.completeness == 0
    assert enough.completeness == round(1 / 9, 4)


def test_a_phone_number_alone_is_enough_contact():
    assert FirmFactory(phone="+86 451 0000 0000").completeness == round(1 / 9, 4)


def test_the_rank_is_computed_from_published_reviews_completeness_and_response():
    firm = FirmFactory(complete=True, ratings=[5, 4, 3], response=(0.8, 5.0))
    ReviewFactory(firm=firm, rating=1, status=Review.Status.PENDING)

    refresh(firm)

    expected = ranking_score(
        RankingInputs(review_count=3, rating_sum=12, completeness=firm.completeness, response_score=0.8)
    )
    assert firm.ranking_score == pytest.approx(expected)


def test_the_badge_date_is_the_newest_verification():
    firm = FirmFactory()
    today = timezone.localdate()
    VerificationFactory(firm=firm, verified_on=today - datetime.timedelta(days=10))
    VerificationFactory(firm=firm, verified_on=today - datetime.timedelta(days=400))

    refresh(firm)

    assert firm.verified_on == today - datetime.timedelta(days=10)
    assert firm.is_verified


def test_a_firm_never_verified_has_no_badge_date():
    firm = FirmFactory()

    assert firm.verified_on is None
    assert not firm.is_verified


@pytest.mark.parametrize(
    ("months_ago", "days_extra", "is_verified"),
    [(0, 0, True), (12, 0, True), (12, 1, False)],
    ids=["today", "exactly the validity period ago", "one day past the period"],
)
def test_a_verification_lapses_after_the_validity_period(settings, months_ago, days_extra, is_verified):
    settings.FIRM_VERIFICATION_VALID_MONTHS = 12
    day = timezone.localdate() - relativedelta(months=months_ago) - datetime.timedelta(days=days_extra)
    firm = FirmFactory(verified=day)

    assert firm.is_verified is is_verified
    assert Firm.objects.verified().filter(pk=firm.pk).exists() is is_verified


def test_publishing_a_review_changes_the_firms_rating_and_rank_at_once():
    firm = FirmFactory(ratings=[3])
    before = firm.ranking_score
    review = ReviewFactory(firm=firm, rating=5, status=Review.Status.PENDING)
    moderator = StaffFactory()

    review_publish(review=review, moderator=moderator)

    firm.refresh_from_db()
    assert firm.rating_average == Decimal("4.00")
    assert firm.review_count == 2
    assert firm.ranking_score > before
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED
    assert review.moderated_by == moderator
    assert review.moderated_at is not None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_rejecting_a_review_without_a_reason_raises_and_changes_nothing(reason):
    firm = FirmFactory()
    review = ReviewFactory(firm=firm, status=Review.Status.PENDING)

    with pytest.raises(ValueError, match="reason"):
        review_reject(review=review, reason=reason)

    review.refresh_from_db()
    assert review.status == Review.Status.PENDING
    assert review.rejection_reason == ""


def test_rejecting_a_published_review_stores_the_reason_and_drops_it_from_the_rating():
    firm = FirmFactory(ratings=[5])
    review = ReviewFactory(firm=firm, rating=1)
    refresh(firm)
    assert firm.rating_average == Decimal("3.00")

    review_reject(review=review, reason="  Not a client of this firm  ")

    review.refresh_from_db()
    assert review.status == Review.Status.REJECTED
    assert review.rejection_reason == "Not a client of this firm"
    firm.refresh_from_db()
    assert firm.rating_average == Decimal("5.00")
    assert firm.review_count == 1


def test_the_search_text_is_lower_case_without_accents():
    firm = FirmFactory(name="Müller & Søn", description_md="Conseil Juridique Élégant")

    assert "muller" in firm.search_text
    assert "conseil juridique elegant" in firm.search_text
    assert "ü" not in firm.search_text


def test_the_search_text_holds_areas_synonyms_cities_languages_and_lawyers(harbin, cyber_law):
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], languages=["de"])
    LawyerFactory(firm=firm, name="Zhāng Wěi")

    refresh(firm)

    for expected in ["cyber law", "pipl", "privacy", "harbin", "german", "zhang wei"]:
        assert expected in firm.search_text


def test_refreshing_many_firms_takes_as_many_queries_as_refreshing_a_few(harbin, cyber_law):
    def build(count):
        firms = FirmFactory.create_batch(count, cities=[harbin], practice_areas=[cyber_law], ratings=[4, 5])
        for firm in firms:
            firm.languages.add(LanguageFactory(code="en"), LanguageFactory(code="zh"))
            LawyerFactory.create_batch(2, firm=firm, practice_areas=[cyber_law])
            OfficeFactory(firm=firm)
        return [firm.pk for firm in firms]

    few, many = build(2), build(15)

    with CaptureQueriesContext(connection) as few_queries:
        firms_refresh(firm_ids=few)
    with CaptureQueriesContext(connection) as many_queries:
        firms_refresh(firm_ids=many)

    assert len(many_queries) == len(few_queries)


def test_refreshing_with_no_ids_refreshes_every_firm():
    firms = FirmFactory.create_batch(3)
    for firm in firms:
        ReviewFactory(firm=firm, rating=2)

    assert firms_refresh() == 3
    assert set(Firm.objects.values_list("review_count", flat=True)) == {1}
