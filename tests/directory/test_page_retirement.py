"""A cached public page is retired only when something it shows changes (directory/page_tags.py):
a firm's edit retires the pages that show that firm, an answer to a request retires none, the
hourly response figures retire only what they changed; and every retirement reaches the CDN
purge hook (settings.PAGE_CACHE_PURGE) after the commit."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from directory import stats
from directory.models import Firm, Review
from directory.services.firms import firms_refresh
from directory.services.memberships import firm_request_settings_update
from directory.services.reviews import review_publish
from guides.models import landing_url
from intake.services import answers, response
from tests.factories import (
    FirmFactory,
    GuideFactory,
    LeadFactory,
    MatchFactory,
    MembershipFactory,
    OfficeFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

retired_tags: list[list[str]] = []


def record_purge(tags):
    """The purge hook the tests install: what a CDN would be asked to purge."""
    retired_tags.append(tags)


@pytest.fixture
def purged(settings):
    settings.PAGE_CACHE_PURGE = "tests.directory.test_page_retirement.record_purge"
    retired_tags.clear()
    yield retired_tags
    retired_tags.clear()


@pytest.fixture
def amber(harbin, cyber_law):
    return FirmFactory(name="Amber Bridge Law", slug="amber-bridge", cities=[harbin], practice_areas=[cyber_law])


@pytest.fixture
def birch(harbin, cyber_law):
    return FirmFactory(name="Birch Court Partners", slug="birch-court", cities=[harbin], practice_areas=[cyber_law])


@pytest.fixture
def faraway(shanghai, employment_law):
    return FirmFactory(name="Coral Gate Law", slug="coral-gate", cities=[shanghai], practice_areas=[employment_law])


@pytest.fixture
def pages(harbin, cyber_law, shanghai, employment_law, amber, birch, faraway):
    """Five public pages, each visited once by an anonymous visitor, so each is cached."""
    urls = {
        "harbin": landing_url(city=harbin, practice_area=cyber_law),
        "shanghai": landing_url(city=shanghai, practice_area=employment_law),
        "amber": amber.get_absolute_url(),
        "birch": birch.get_absolute_url(),
        "coral": faraway.get_absolute_url(),
    }
    for url in urls.values():
        assert Client().get(url)["X-Page-Cache"] == "miss"
    assert {name: served(url) for name, url in urls.items()} == dict.fromkeys(urls, "hit")
    return urls


def served(url):
    """How the next anonymous visitor (another web process) gets the page: hit or miss."""
    return Client().get(url)["X-Page-Cache"]


def rendered_again(pages):
    return {name for name, url in pages.items() if served(url) == "miss"}


def test_a_firm_edit_retires_the_pages_that_show_it_and_no_other(
    pages, amber, faraway, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        amber.tagline = "Data privacy counsel since 2009"
        amber.save()
        firms_refresh(firm_ids=[amber.pk])

    assert rendered_again(pages) == {"amber", "harbin"}
    assert "Data privacy counsel since 2009" in Client().get(pages["harbin"]).content.decode()
    assert f"firm:{amber.pk}" in purged[-1]
    assert f"firm:{faraway.pk}" not in purged[-1]


def test_a_published_review_retires_the_firms_pages_and_reaches_the_purge_hook(
    pages, birch, purged, django_capture_on_commit_callbacks
):
    review = ReviewFactory(firm=birch, rating=2, status=Review.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        review_publish(review=review)

    assert rendered_again(pages) == {"birch", "harbin"}
    tags = set(purged[-1])
    assert f"firm:{birch.pk}" in tags
    # Its rating changed what the filters read (minimum rating), so the city's listings too.
    assert f"listing:{birch.offices.get().city_id}:{birch.practice_areas.get().pk}" in tags


def test_a_guide_edit_retires_its_landing_page_only(
    pages, harbin, cyber_law, purged, django_capture_on_commit_callbacks
):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law, summary="The first summary.")
    rendered_again(pages)  # the new guide retired the Harbin page
    purged.clear()

    with django_capture_on_commit_callbacks(execute=True):
        guide.summary = "An edited summary."
        guide.save()

    assert rendered_again(pages) == {"harbin"}
    assert "An edited summary." in Client().get(pages["harbin"]).content.decode()
    # Its landing page, wherever it was before, and what lists every guide (the sitemaps).
    assert sorted(purged[-1]) == sorted([f"guide:{harbin.pk}:{cyber_law.pk}", f"guide:{guide.pk}", "guides"])


def test_answering_a_request_retires_no_public_page(pages, amber, harbin, cyber_law, purged):
    member = MembershipFactory(firm=amber)
    match = MatchFactory(firm=amber, lead=LeadFactory(status="matched", city=harbin, practice_area=cyber_law))

    answers.match_decline(match_id=match.pk, user=member.user, reason="capacity")

    assert rendered_again(pages) == set()
    assert purged == []


def test_the_hourly_figures_retire_only_the_pages_whose_shown_values_changed(pages, amber, birch, purged):
    now = timezone.now()
    member = MembershipFactory(firm=amber)
    with time_machine.travel(now - datetime.timedelta(hours=10), tick=False):
        matches = [MatchFactory(firm=amber, lead=LeadFactory(status="matched")) for _ in range(3)]
    with time_machine.travel(now - datetime.timedelta(hours=8), tick=False):
        for match in matches:
            answers.match_decline(match_id=match.pk, user=member.user, reason="capacity")

    response.response_figures_refresh()

    amber.refresh_from_db()
    assert amber.median_response_hours == 2.0
    # Amber's cards and profile now say "about 2 h", and it moved ahead of Birch in Harbin.
    assert rendered_again(pages) == {"amber", "harbin"}
    assert "about 2 h" in Client().get(pages["amber"]).content.decode()

    # Nothing changed since: the next run retires nothing.
    purged.clear()
    response.response_figures_refresh()
    assert rendered_again(pages) == set()
    assert purged == []


def test_the_figures_moving_without_a_visible_change_retire_nothing(pages, amber, purged):
    Firm.objects.filter(pk=amber.pk).update(response_score=0.7, median_response_hours=2.2)
    firms_refresh(firm_ids=[amber.pk], shown=False)
    rendered_again(pages)
    purged.clear()

    # 2.2 h and 2.4 h both show as "about 2 h"; alone in its listings, no order changes.
    Firm.objects.filter(pk=amber.pk).update(median_response_hours=2.4)
    firms_refresh(firm_ids=[amber.pk], shown=False)

    assert rendered_again(pages) == set()


@pytest.fixture
def hold_views(settings):
    """Views wait in the process, as in production, until profile_views_write()."""
    settings.PROFILE_VIEW_FLUSH_SECONDS = 3600
    yield
    stats.profile_views_write()  # none left for a firm another test's rollback removes


def test_a_view_counter_and_a_portal_setting_retire_no_public_page(pages, amber, hold_views, purged):
    Client().get(pages["amber"])
    stats.profile_views_write()
    firm_request_settings_update(firm=amber, is_accepting_leads=True, lead_capacity_per_week=3, recipient_ids=[])

    assert rendered_again(pages) == set()
    assert purged == []


def test_a_firm_that_stops_taking_requests_loses_its_request_button_at_once(pages, amber):
    firm_request_settings_update(firm=amber, is_accepting_leads=False, lead_capacity_per_week=3, recipient_ids=[])

    assert rendered_again(pages) == {"amber", "harbin"}
    assert "?firm=amber-bridge" not in Client().get(pages["harbin"]).content.decode()


def test_a_firm_moving_to_another_city_leaves_one_listing_and_joins_the_other(pages, amber, shanghai, employment_law):
    amber.practice_areas.add(employment_law)
    office = amber.offices.get()
    office.city = shanghai
    office.save()
    firms_refresh(firm_ids=[amber.pk])

    assert rendered_again(pages) == {"amber", "harbin", "shanghai"}
    assert "Amber Bridge Law" in Client().get(pages["shanghai"]).content.decode()
    assert "Amber Bridge Law" not in Client().get(pages["harbin"]).content.decode()


def test_a_new_firm_in_a_city_joins_its_listing(pages, harbin, cyber_law):
    newcomer = FirmFactory(name="Dawn Street Law", cities=[harbin], practice_areas=[cyber_law])

    assert rendered_again(pages) == {"harbin"}
    assert newcomer.name in Client().get(pages["harbin"]).content.decode()


def test_a_renamed_city_retires_every_page(pages, harbin):
    harbin.name = "Ha'erbin"
    harbin.save()

    assert rendered_again(pages) == set(pages)


def test_a_second_office_in_the_same_city_retires_the_firms_pages(pages, amber, harbin):
    OfficeFactory(firm=amber, city=harbin, address="88 Songhua River Road")
    firms_refresh(firm_ids=[amber.pk])

    assert rendered_again(pages) == {"amber", "harbin"}


def test_a_purge_hook_that_fails_does_not_undo_the_edit(pages, amber, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_PURGE = "tests.directory.test_page_retirement.no_such_function"

    with django_capture_on_commit_callbacks(execute=True):
        amber.tagline = "Still saved"
        amber.save()
        firms_refresh(firm_ids=[amber.pk])

    amber.refresh_from_db()
    assert amber.tagline == "Still saved"
    assert "Still saved" in Client().get(pages["amber"]).content.decode()


def test_a_firm_moving_up_in_one_practice_area_keeps_the_citys_other_listings(
    pages, amber, birch, harbin, employment_law
):
    FirmFactory(name="Elm Yard Law", cities=[harbin], practice_areas=[employment_law])
    employment = landing_url(city=harbin, practice_area=employment_law)
    Client().get(employment)
    rendered_again(pages)
    assert served(employment) == "hit"

    # Birch passes Amber in cyber law, the only area it offers; nothing on its card changes.
    Firm.objects.filter(pk=birch.pk).update(response_score=1.0)
    firms_refresh(firm_ids=[birch.pk], shown=False)

    assert rendered_again(pages) == {"harbin"}
    assert served(employment) == "hit"
    names = ["Birch Court Partners", "Amber Bridge Law"]
    content = Client().get(pages["harbin"]).content.decode()
    assert content.index(names[0]) < content.index(names[1])
