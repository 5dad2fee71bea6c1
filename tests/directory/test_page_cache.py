"""Anonymous visitors get firms' profiles and searches from the whole-page cache (like landing
pages); every change a visitor would see retires it, and cached profile views still count."""

import pytest
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import stats
from directory.models import ProfileViewMonth
from directory.services.firms import firms_refresh
from tests.factories import FirmFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(harbin, cyber_law):
    return FirmFactory(name="Amber Bridge Law", slug="amber-bridge", cities=[harbin], practice_areas=[cyber_law])


@pytest.fixture
def hold_views(settings):
    """Views wait in the process, as in production, until profile_views_write()."""
    settings.PROFILE_VIEW_FLUSH_SECONDS = 3600
    yield
    stats.profile_views_write()


def profile_url(firm):
    return reverse("directory:firm_detail", kwargs={"slug": firm.slug})


def views(firm):
    return sum(ProfileViewMonth.objects.filter(firm=firm).values_list("views", flat=True))


def test_a_repeat_anonymous_profile_view_runs_no_query_and_still_counts(client, firm, hold_views):
    first = client.get(profile_url(firm))

    with CaptureQueriesContext(connection) as queries:
        again = client.get(profile_url(firm))  # this process's copy (PageCacheMiddleware)
        other = Client().get(profile_url(firm))  # another process: the shared cache

    assert len(queries) == 0
    assert first.content == again.content == other.content
    assert "Amber Bridge Law" in again.content.decode()
    assert "Set-Cookie" not in again.headers
    stats.profile_views_write()
    assert views(firm) == 3


def test_bots_and_head_requests_served_from_the_cache_do_not_count(client, firm):
    client.get(profile_url(firm))

    client.get(profile_url(firm), headers={"user-agent": "Googlebot/2.1"})
    client.head(profile_url(firm))
    Client().get(profile_url(firm), headers={"user-agent": "Slackbot-LinkExpanding 1.0 (+preview)"})

    assert views(firm) == 1


def test_a_profile_edit_shows_on_the_next_anonymous_view(client, firm):
    client.get(profile_url(firm))

    # Every save in the portal and the admin ends in firms_refresh (directory/services/profile.py).
    firm.tagline = "Data privacy counsel since 2009"
    firm.save()
    firms_refresh(firm_ids=[firm.pk])

    assert "Data privacy counsel since 2009" in client.get(profile_url(firm)).content.decode()


def test_an_unlisted_firm_disappears_from_the_cached_profile(client, firm):
    client.get(profile_url(firm))

    firm.is_listed = False
    firm.save()
    firms_refresh(firm_ids=[firm.pk])

    assert client.get(profile_url(firm)).status_code == 404


def test_members_viewing_their_own_profile_get_it_rendered_and_do_not_count(client, firm):
    Client().get(profile_url(firm))  # an anonymous visitor: the page is now cached
    member = MembershipFactory(firm=firm).user
    client.force_login(member)

    response = client.get(profile_url(firm))

    assert response.status_code == 200
    assert views(firm) == 1


def test_views_that_could_not_be_written_are_kept_for_the_next_write(client, firm, hold_views, monkeypatch):
    client.get(profile_url(firm))
    client.get(profile_url(firm))
    real_update = QuerySet.update

    def database_down(queryset, **kwargs):
        if queryset.model is ProfileViewMonth:
            raise DatabaseError("connection lost")
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", database_down)
    stats.profile_views_write()
    assert views(firm) == 0

    monkeypatch.setattr(QuerySet, "update", real_update)
    stats.profile_views_write()
    assert views(firm) == 2


def test_a_search_is_cached_until_a_firm_changes(client, firm, harbin, cyber_law):
    client.get("/search/", {"q": "amber"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/search/", {"q": "amber"})
    assert len(queries) == 0
    assert "Amber Bridge Law" in again.content.decode()

    newcomer = FirmFactory(name="Amber Harbour Partners", cities=[harbin], practice_areas=[cyber_law])
    firms_refresh(firm_ids=[newcomer.pk])

    assert "Amber Harbour Partners" in client.get("/search/", {"q": "amber"}).content.decode()


def test_each_search_is_cached_apart(client, firm):
    client.get("/search/", {"q": "amber"})

    response = client.get("/search/", {"q": "nothing-like-this"})

    assert "Amber Bridge Law" not in response.content.decode()
