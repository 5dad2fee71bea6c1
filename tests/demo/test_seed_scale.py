import io

import pytest
from django.core.management import CommandError, call_command

from directory.models import City, Firm, Lawyer, Office, PracticeArea, Review
from guides.models import Guide, GuideSource

pytestmark = pytest.mark.django_db

SMALL = {"firms": 60, "lawyers": 120, "reviews": 400, "cities": 12, "areas": 10, "guides": 15}


def run_seed_scale(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def assert_small_counts():
    assert Firm.objects.count() == 60
    assert Lawyer.objects.count() == 120
    assert Review.objects.count() == 400
    assert City.objects.count() == 12
    assert PracticeArea.objects.areas().count() == 10
    assert PracticeArea.objects.groups().exists()
    assert Guide.objects.count() == 15


def test_it_fills_an_empty_database_with_refreshed_firms_and_live_guides():
    output = run_seed_scale()

    assert_small_counts()
    assert "firms_refresh" in output and "total" in output
    assert not Firm.objects.filter(ranking_score__lte=0).exists()
    assert not Firm.objects.filter(offices__isnull=True).exists()
    assert not Firm.objects.exclude(search_text__contains="generated").exists()
    assert Office.objects.filter(is_headquarters=True).count() == 60
    assert all(city.country_id == city.region.country_id for city in City.objects.select_related("region"))
    published = Review.objects.published().count()
    assert 0.75 * 400 < published < 0.95 * 400
    assert set(Review.objects.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert sum(Firm.objects.values_list("review_count", flat=True)) == published
    assert Lawyer.objects.filter(practice_areas__isnull=True).count() == 0
    for guide in Guide.objects.all():
        assert guide.is_live
        assert guide.about_html.startswith("<p>")
        assert guide.publish_problems() == []
    assert GuideSource.objects.values("guide").distinct().count() == 15


def test_the_same_seed_gives_the_same_data():
    run_seed_scale(seed=7)
    first = list(Firm.objects.order_by("slug").values_list("name", "size", "ranking_score"))

    run_seed_scale(seed=7, reset=True)

    assert list(Firm.objects.order_by("slug").values_list("name", "size", "ranking_score")) == first


def test_it_refuses_a_database_with_firms_unless_reset():
    run_seed_scale()

    with pytest.raises(CommandError, match="already has firms"):
        run_seed_scale()
    assert_small_counts()

    run_seed_scale(reset=True)
    assert_small_counts()


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        run_seed_scale()
    assert not Firm.objects.exists()


def test_it_tops_up_existing_practice_areas_and_keeps_demo_firms_on_reset():
    call_command("seed_demo", stdout=io.StringIO())
    demo_firms = Firm.objects.count()
    demo_areas = PracticeArea.objects.areas().count()

    run_seed_scale(areas=demo_areas + 4, reset=True)
    run_seed_scale(areas=demo_areas + 4, reset=True)

    assert PracticeArea.objects.areas().count() == demo_areas + 4
    assert Firm.objects.count() == demo_firms + 60
    assert Firm.objects.filter(slug__endswith="-demo").count() == demo_firms
