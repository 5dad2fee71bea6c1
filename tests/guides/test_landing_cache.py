"""Anonymous visitors get the landing page from a whole-response cache that every edit retires."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.services.reviews import review_publish
from tests.factories import FirmFactory, GuideFactory, ReviewFactory, UserFactory, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(harbin, cyber_law):
    return GuideFactory(published=True, city=harbin, practice_area=cyber_law, summary="The first summary.")


@pytest.fixture
def firm(harbin, cyber_law):
    return FirmFactory(name="Amber Bridge Law", cities=[harbin], practice_areas=[cyber_law])


def url_of(guide):
    return reverse(
        "guides:landing",
        kwargs={
            "country": guide.city.country.slug,
            "city": guide.city.slug,
            "practice_area": guide.practice_area.slug,
        },
    )


def test_a_second_anonymous_get_runs_no_query(client, guide, firm):
    first = client.get(url_of(guide))

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url_of(guide))

    assert second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 0


def test_each_query_string_is_cached_apart(client, guide, firm):
    client.get(url_of(guide))

    response = client.get(url_of(guide), {"sort": "rating"})

    assert response.status_code == 200
    assert "Amber Bridge Law" in response.content.decode()


def test_an_edit_to_the_guide_shows_on_the_next_get(client, guide, django_capture_on_commit_callbacks):
    client.get(url_of(guide))

    with django_capture_on_commit_callbacks(execute=True):
        guide.summary = "An edited summary."
        guide.save()

    assert "An edited summary." in client.get(url_of(guide)).content.decode()


def test_a_new_published_review_shows_on_the_next_get(client, guide, firm, django_capture_on_commit_callbacks):
    client.get(url_of(guide))
    review = ReviewFactory(firm=firm, rating=5, status="pending")

    with django_capture_on_commit_callbacks(execute=True):
        review_publish(review=review, moderator=UserFactory(is_staff=True))

    assert "1 review" in client.get(url_of(guide)).content.decode()


def test_a_firm_refresh_shows_on_the_next_get(client, guide, firm):
    client.get(url_of(guide))
    type(firm).objects.filter(pk=firm.pk).update(name="Cedar Gate Counsel")

    refresh(firm)

    assert "Cedar Gate Counsel" in client.get(url_of(guide)).content.decode()


def test_a_matching_etag_or_date_gets_304(client, guide):
    first = client.get(url_of(guide))
    assert first["ETag"]
    assert first["Last-Modified"]

    assert client.get(url_of(guide), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url_of(guide), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url_of(guide), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_anonymous_page_sets_no_cookie(client, guide, firm):
    for _ in range(2):
        response = client.get(url_of(guide))
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        # The same page for every visitor without a session: nothing for a shared cache to vary on.
        assert "Vary" not in response
        assert "s-maxage=" in response["Cache-Control"] and "public" in response["Cache-Control"]


def test_a_signed_in_visitor_is_never_served_the_shared_copy(client, guide):
    client.get(url_of(guide))
    client.force_login(UserFactory())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url_of(guide))

    assert response.status_code == 200
    assert len(queries) > 0
    assert "ETag" not in response


def test_a_preview_is_never_cached(client, guide):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    preview = reverse("guides:preview", kwargs={"pk": guide.pk})
    client.get(preview)
    guide.summary = "Preview sees this at once."
    type(guide).objects.filter(pk=guide.pk).update(summary=guide.summary)

    assert "Preview sees this at once." in client.get(preview).content.decode()


def test_a_scheduled_guide_shows_once_it_goes_live(client, harbin, cyber_law, firm):
    import datetime

    import time_machine
    from django.utils import timezone

    scheduled = GuideFactory(
        published=True,
        city=harbin,
        practice_area=cyber_law,
        summary="Scheduled summary.",
        published_at=timezone.now() + datetime.timedelta(minutes=2),
    )
    assert "Scheduled summary." not in client.get(url_of(scheduled)).content.decode()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        assert "Scheduled summary." in client.get(url_of(scheduled)).content.decode()


def test_a_renamed_city_shows_on_the_next_get(client, guide, harbin):
    client.get(url_of(guide))

    harbin.name = "Haerbin"
    harbin.save()

    assert "Haerbin" in client.get(url_of(guide)).content.decode()
