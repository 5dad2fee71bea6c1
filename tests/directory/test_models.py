"""Firm data the database itself refuses, whatever code path writes it."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import Article, Firm, Lawyer, Membership, Office, Review, ServiceFee, Verification
from tests.factories import (
    ArticleFactory,
    CityFactory,
    FirmFactory,
    LawyerFactory,
    MembershipFactory,
    OfficeFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def firm():
    return FirmFactory(name="Songhua River Law")


@pytest.mark.parametrize("rating", [0, 6])
def test_a_review_rated_outside_one_to_five_is_refused(firm, rating):
    refused(lambda: Review.objects.create(firm=firm, author_name="A.", rating=rating, body="Text"))

    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [1, 5])
def test_reviews_rated_one_to_five_are_stored(firm, rating):
    Review.objects.create(firm=firm, author_name="A.", rating=rating, body="Text")

    assert Review.objects.get().rating == rating


def test_a_rejected_review_without_a_reason_is_refused(firm):
    refused(lambda: ReviewFactory(firm=firm, status=Review.Status.REJECTED, rejection_reason=""))

    ReviewFactory(firm=firm, status=Review.Status.REJECTED, rejection_reason="Advertising")
    assert Review.objects.get().rejection_reason == "Advertising"


@pytest.mark.parametrize(
    ("fee_model", "amount_min", "amount_max"),
    [
        ("range", Decimal("20000"), Decimal("5000")),
        ("range", Decimal("5000"), None),
        ("range", None, Decimal("5000")),
        ("on_request", Decimal("1000"), None),
        ("on_request", None, Decimal("1000")),
        ("flat", None, None),
        ("flat", Decimal("0"), None),
        ("flat", Decimal("1000"), Decimal("2000")),
        ("hourly", None, None),
    ],
    ids=[
        "range ending below its start",
        "range without an end",
        "range without a start",
        "on request with an amount",
        "on request with an upper amount",
        "flat without an amount",
        "flat of zero",
        "flat with a range",
        "hourly without an amount",
    ],
)
def test_a_fee_whose_amounts_do_not_fit_its_model_is_refused(firm, fee_model, amount_min, amount_max):
    refused(
        lambda: ServiceFee.objects.create(
            firm=firm, service="Contract review", fee_model=fee_model, amount_min=amount_min, amount_max=amount_max
        )
    )


@pytest.mark.parametrize(
    ("fee_model", "amount_min", "amount_max"),
    [
        ("range", Decimal("5000"), Decimal("20000")),
        ("range", Decimal("5000"), Decimal("5000")),
        ("on_request", None, None),
        ("flat", Decimal("3000"), None),
        ("hourly", Decimal("800"), None),
    ],
    ids=["range", "range of one amount", "on request", "flat", "hourly"],
)
def test_fees_whose_amounts_fit_their_model_are_stored(firm, fee_model, amount_min, amount_max):
    ServiceFee.objects.create(
        firm=firm, service="Contract review", fee_model=fee_model, amount_min=amount_min, amount_max=amount_max
    )

    assert firm.fees.count() == 1


def test_a_firm_cannot_have_two_offices_at_the_same_address_in_a_city(firm, harbin):
    OfficeFactory(firm=firm, city=harbin, address="1 Zhongyang Street")

    refused(lambda: Office.objects.create(firm=firm, city=harbin, address="1 Zhongyang Street"))

    # Another firm in the same building, or the same street name in another city, is fine.
    OfficeFactory(firm=FirmFactory(), city=harbin, address="1 Zhongyang Street")
    OfficeFactory(firm=firm, city=CityFactory(), address="1 Zhongyang Street")
    assert Office.objects.filter(address="1 Zhongyang Street").count() == 3


def test_a_lawyer_slug_is_unique_within_a_firm_only(firm):
    LawyerFactory(firm=firm, name="Wang Fang", slug="wang-fang")

    refused(lambda: Lawyer.objects.create(firm=firm, name="Wang Fang", slug="wang-fang"))

    LawyerFactory(firm=FirmFactory(), name="Wang Fang", slug="wang-fang")
    assert Lawyer.objects.filter(slug="wang-fang").count() == 2


def test_an_article_slug_is_unique_within_a_firm_only(firm):
    ArticleFactory(firm=firm, slug="data-export")

    refused(lambda: Article.objects.create(firm=firm, title="Again", slug="data-export", body_md="x"))

    ArticleFactory(firm=FirmFactory(), slug="data-export")


def test_a_user_belongs_to_a_firm_once(firm):
    user = UserFactory()
    MembershipFactory(user=user, firm=firm)

    refused(lambda: Membership.objects.create(user=user, firm=firm, role=Membership.Role.OWNER))

    MembershipFactory(user=user, firm=FirmFactory())
    assert user.memberships.count() == 2


def test_a_verification_that_checked_no_licence_is_refused(firm):
    refused(
        lambda: Verification.objects.create(
            firm=firm,
            checked_office_address=True,
            checked_contact_details=True,
            verified_by="Operator",
            verified_on=timezone.localdate(),
        )
    )

    Verification.objects.create(
        firm=firm, checked_lawyer_licences=True, verified_by="Operator", verified_on=timezone.localdate()
    )
    assert firm.verifications.count() == 1


@pytest.mark.parametrize("year", [1799, 2101])
def test_an_implausible_founding_year_is_refused(year):
    refused(lambda: Firm.objects.create(name="Old", slug="old", year_established=year))


def test_a_firm_slug_is_unique(firm):
    refused(lambda: Firm.objects.create(name="Copy", slug=firm.slug))


def test_a_firm_description_is_rendered_from_markdown_without_scripts():
    firm = FirmFactory(description_md="We handle **data** cases.<script>alert(1)</script>")

    assert "<strong>data</strong>" in firm.description_html
    assert "<script" not in firm.description_html


def test_only_articles_whose_publish_time_has_passed_are_published(firm):
    now = timezone.now()
    live = ArticleFactory(firm=firm, published_at=now - datetime.timedelta(minutes=1))
    ArticleFactory(firm=firm, published_at=now + datetime.timedelta(days=1))
    ArticleFactory(firm=firm, published_at=None)

    assert list(Article.objects.published()) == [live]


def test_years_in_practice_count_from_the_founding_year():
    this_year = timezone.localdate().year

    assert FirmFactory(year_established=this_year - 12).years_in_practice == 12
    assert FirmFactory(year_established=None).years_in_practice is None


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Songhua River Legal Partners (demo)", "SR"),
        ("Ice Lantern Law Office", "IL"),
        ("dacheng", "D"),
        ("北京大成律师事务所", "北"),
        ("(demo)", "D"),
        ("—", "?"),
    ],
)
def test_a_firm_without_a_logo_is_marked_by_its_initials(name, initials):
    firm = Firm(name=name, slug="any-firm")

    assert firm.initials == initials
    assert firm.mark_tone == Firm(name="Another name", slug="any-firm").mark_tone  # by slug, stable
