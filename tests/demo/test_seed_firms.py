import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.firms import FIRMS
from directory.models import (
    Article,
    City,
    Firm,
    Language,
    Lawyer,
    Office,
    PracticeArea,
    Review,
    ServiceFee,
    SocialLink,
    Verification,
)
from directory.selectors import firms_serving

pytestmark = pytest.mark.django_db

HARBIN = "/lawyers/china/harbin/"
CYBER_LAW = "cyber-law-data-privacy-and-data-protection"
CORPORATE = "corporate-and-company-law"
EMPTY_STATE = "We haven't listed any"
# The demo data was written for this day; badges are judged against it, not the clock.
DEMO_TODAY = date(2026, 11, 28)
FIRM_MODELS = (Language, Firm, Office, Lawyer, Article, SocialLink, ServiceFee, Review, Verification)


def run_seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every field of every firm-related row (derived ones included), plus the M2M links."""
    rows = {}
    for model in FIRM_MODELS:
        for obj in model.objects.order_by("pk"):
            values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            if model in (Firm, Lawyer):
                values["languages"] = sorted(obj.languages.values_list("pk", flat=True))
                values["practice_areas"] = sorted(obj.practice_areas.values_list("pk", flat=True))
            rows[model.__name__, obj.pk] = values
    return rows


def harbin_area(slug: str):
    return City.objects.get(slug="harbin", country__code="CN"), PracticeArea.objects.get(slug=slug)


def test_it_seeds_about_forty_clearly_fictional_firms_with_full_profiles():
    run_seed_demo()

    firms = Firm.objects.all()
    assert firms.count() == len(FIRMS) and 38 <= firms.count() <= 45
    assert Firm.objects.listed().count() == firms.count() - 2
    for firm in firms:
        assert firm.name.endswith("(demo)")
        assert not firm.website or firm.website.endswith(".example")
        assert firm.email.endswith(".example")
        assert 1 <= firm.lawyers.count() <= 6
        assert firm.offices.filter(is_headquarters=True).count() == 1
        assert firm.ranking_score > 0 and firm.search_text
    multi_office = [firm for firm in firms if firm.offices.count() >= 2]
    assert len(multi_office) >= 5
    assert any(firm.offices.count() == 3 for firm in multi_office)
    assert firms.values("size").distinct().count() == len(Firm.Size)
    assert set(Language.objects.values_list("code", flat=True)) >= {"en", "zh", "ru", "ja", "ko", "de", "fr", "es"}
    # Only specific practice areas, never groups, on firms and lawyers.
    assert not PracticeArea.objects.groups().filter(firms__isnull=False).exists()
    assert not PracticeArea.objects.groups().filter(lawyers__isnull=False).exists()
    for lawyer in Lawyer.objects.all():
        assert lawyer.bar_admission and lawyer.role
        assert lawyer.languages.exists() and lawyer.practice_areas.exists()
    assert Article.objects.published().count() == Article.objects.count() >= 5
    assert "<ul>" in "".join(Article.objects.values_list("body_html", flat=True))
    assert SocialLink.objects.values("firm").distinct().count() >= 10


def test_the_harbin_cyber_law_page_shows_the_empty_state(client):
    run_seed_demo()
    harbin, cyber_law = harbin_area(CYBER_LAW)
    # An unlisted firm in Harbin does offer cyber law: it must not count.
    assert Firm.objects.filter(is_listed=False, offices__city=harbin, practice_areas=cyber_law).exists()
    assert not firms_serving(practice_area=cyber_law, city=harbin).exists()

    response = client.get(f"{HARBIN}{CYBER_LAW}/")

    assert response.status_code == 200
    assert EMPTY_STATE in response.content.decode()
    assert "Winter Circuit Data Law" not in response.content.decode()


def test_harbin_has_firms_for_other_areas_and_two_pages_of_corporate_lawyers(client):
    run_seed_demo()
    harbin, corporate = harbin_area(CORPORATE)
    served = [
        area.slug for area in PracticeArea.objects.areas() if firms_serving(practice_area=area, city=harbin).exists()
    ]
    assert len(served) >= 4 and CYBER_LAW not in served
    expected = set(firms_serving(practice_area=corporate, city=harbin).values_list("name", flat=True))
    assert len(expected) >= 12

    first = client.get(f"{HARBIN}{CORPORATE}/")
    second = client.get(f"{HARBIN}{CORPORATE}/", {"page": 2})

    assert first.status_code == second.status_code == 200
    pages = first.content.decode() + second.content.decode()
    assert EMPTY_STATE not in pages
    assert all(name in pages for name in expected)
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["firms"]) == 10
    for unlisted in Firm.objects.filter(is_listed=False):
        assert unlisted.name not in pages
    assert client.get(f"{HARBIN}{CORPORATE}/", {"page": 3}).status_code == 404


def test_unlisted_firms_stay_off_the_public_pages_and_search_finds_data_protection(client):
    run_seed_demo()
    unlisted = list(Firm.objects.filter(is_listed=False))
    assert len(unlisted) == 2

    for firm in unlisted:
        assert client.get(firm.get_absolute_url()).status_code == 404
    for query in ("PIPL", "data protection"):
        page = client.get("/search/", {"q": query})
        assert page.status_code == 200
        assert page.context["page_obj"].paginator.count >= 3
        assert not set(page.context["page_obj"].paginator.object_list) & set(unlisted)
    listed = Firm.objects.listed().first()
    assert client.get(listed.get_absolute_url()).status_code == 200


def test_about_half_the_firms_are_verified_and_two_badges_have_lapsed():
    run_seed_demo()
    valid_since = Firm.verification_valid_since(today=DEMO_TODAY)

    verified = Firm.objects.verified(today=DEMO_TODAY)
    lapsed = Firm.objects.filter(verified_on__lt=valid_since)

    assert 15 <= verified.count() <= 25
    assert lapsed.count() == 2
    assert Verification.objects.values("firm").distinct().count() == verified.count() + lapsed.count()
    # The badge follows the newest verification, even when an older one has lapsed.
    assert verified.filter(verifications__verified_on__lt=valid_since).exists()


def test_reviews_cover_every_rating_a_moderation_queue_and_rejections_with_reasons():
    run_seed_demo()

    assert set(Review.objects.published().values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert Review.objects.published().count() > Review.objects.exclude(status=Review.Status.PUBLISHED).count()
    assert Review.objects.pending().count() >= 5
    rejected = Review.objects.filter(status=Review.Status.REJECTED)
    assert rejected.count() == 2 and all(review.rejection_reason for review in rejected)
    assert Review.objects.filter(is_verified=True).exists()
    firm = Firm.objects.filter(review_count__gt=0).first()
    assert firm.review_count == firm.reviews.published().count() and firm.rating_average is not None


def test_fees_cover_all_four_models_and_several_currencies():
    run_seed_demo()

    assert set(ServiceFee.objects.values_list("fee_model", flat=True)) == set(ServiceFee.Model.values)
    assert set(ServiceFee.objects.values_list("currency", flat=True)) >= {"CNY", "USD", "EUR", "SGD"}
    assert ServiceFee.objects.filter(currency="CNY").count() > ServiceFee.objects.exclude(currency="CNY").count()
    for fee in ServiceFee.objects.filter(fee_model=ServiceFee.Model.RANGE):
        assert 0 < fee.amount_min < fee.amount_max
    assert not ServiceFee.objects.filter(fee_model="on_request", amount_min__isnull=False).exists()
    assert ServiceFee.objects.values("firm").distinct().count() >= 25


def test_running_seed_demo_twice_changes_no_firm_row(settings):
    settings.PRODUCTION = False
    run_seed_demo()
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        output = run_seed_demo()

    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.IGNORECASE)]
    assert writes == []
    assert snapshot() == before
    assert "Firm: 0 created, 0 updated, 40 unchanged" in output
    assert not re.search(r"[1-9]\d* (created|updated|deleted)", output)


def test_seed_demo_repairs_an_edited_firm_and_refreshes_its_ranking():
    run_seed_demo()
    firm = Firm.objects.get(slug="ice-lantern-law-office-demo")
    score = firm.ranking_score
    firm.tagline = "Edited by hand."
    firm.save()
    Office.objects.create(firm=firm, city=firm.offices.first().city, address="1 Extra Street")
    firm.lawyers.first().practice_areas.clear()
    Firm.objects.filter(pk=firm.pk).update(ranking_score=0)

    run_seed_demo()

    firm.refresh_from_db()
    assert firm.tagline != "Edited by hand."
    assert not firm.offices.filter(address="1 Extra Street").exists()
    assert all(lawyer.practice_areas.exists() for lawyer in firm.lawyers.all())
    assert firm.ranking_score == score
