"""Operators moderate reviews and verify firms in the admin."""

import datetime

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Review
from tests.factories import FirmFactory, ReviewFactory, SuperuserFactory, refresh

pytestmark = pytest.mark.django_db

REVIEWS = "admin:directory_review_changelist"


@pytest.fixture
def operator(client):
    user = SuperuserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def firm(harbin):
    return FirmFactory(name="Songhua River Law", slug="songhua", cities=[harbin], ratings=[3])


def changelist_authors(response):
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    table = next(t for t in tree.iter("table") if t.get("id") == "result_list")
    body = table.find("tbody")
    return [" ".join("".join(row.itertext()).split()) for row in body.findall("tr")]


def act(client, action, reviews, **extra):
    data = {"action": action, "_selected_action": [str(r.pk) for r in reviews], "index": "0", **extra}
    return client.post(reverse(REVIEWS), data, follow=True)


def test_the_review_list_puts_pending_reviews_first_oldest_first(client, operator, firm):
    now = timezone.now()
    ReviewFactory(firm=firm, author_name="Published Newest", created_at=now)
    ReviewFactory(firm=firm, author_name="Pending Recent", status="pending", created_at=now - datetime.timedelta(1))
    ReviewFactory(firm=firm, author_name="Pending Old", status="pending", created_at=now - datetime.timedelta(9))
    ReviewFactory(firm=firm, author_name="Rejected", status="rejected", rejection_reason="Spam", created_at=now)

    rows = changelist_authors(client.get(reverse(REVIEWS)))

    names = ["Pending Old", "Pending Recent", "Published Newest", "Rejected"]
    shown = [next((name for name in names if name in row), "other") for row in rows]
    assert shown[:2] == ["Pending Old", "Pending Recent"]
    assert sorted(shown[2:]) == ["Published Newest", "Rejected", "other"]


def test_publishing_reviews_updates_the_rating_on_the_firms_profile(client, operator, firm):
    pending = [ReviewFactory(firm=firm, rating=5, status="pending") for _ in range(2)]
    assert '<span class="rating">3.0</span>' in client.get("/firms/songhua/").content.decode()

    response = act(client, "publish_reviews", pending)

    assert "Published." in response.content.decode()
    assert set(Review.objects.filter(pk__in=[r.pk for r in pending]).values_list("status", flat=True)) == {"published"}
    assert Review.objects.get(pk=pending[0].pk).moderated_by == operator
    profile = client.get("/firms/songhua/").content.decode()
    assert '<span class="rating">4.3</span>' in profile
    assert "out of 5, from 3 published reviews" in profile


def test_rejecting_without_a_reason_shows_an_error_and_changes_nothing(client, operator, firm):
    pending = ReviewFactory(firm=firm, status="pending")

    response = act(client, "reject_reviews", [pending], reason="   ")

    assert "Write the reason for rejecting in the box beside the action." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert pending.rejection_reason == ""


def test_rejecting_with_a_reason_stores_it_and_takes_the_review_off_the_profile(client, operator, firm):
    published = ReviewFactory(firm=firm, rating=1, body="Unfair rant.")
    refresh(firm)
    assert "Unfair rant." in client.get("/firms/songhua/").content.decode()

    response = act(client, "reject_reviews", [published], reason="Not a client of this firm")

    assert "Rejected." in response.content.decode()
    published.refresh_from_db()
    assert published.status == "rejected"
    assert published.rejection_reason == "Not a client of this firm"
    assert published.moderated_by == operator
    profile = client.get("/firms/songhua/").content.decode()
    assert "Unfair rant." not in profile
    assert '<span class="rating">3.0</span>' in profile


def test_a_verification_added_in_the_firm_admin_makes_the_badge_appear(client, operator, firm, admin_form_data):
    change_url = reverse("admin:directory_firm_change", args=[firm.pk])
    assert "badge--verified" not in client.get("/firms/songhua/").content.decode()
    data = admin_form_data(client.get(change_url))
    data.update(
        {
            "verifications-TOTAL_FORMS": "1",
            "verifications-0-checked_business_licence": "on",
            "verifications-0-checked_office_address": "on",
            "verifications-0-verified_by": "Zhou Min",
            "verifications-0-verified_on": timezone.localdate().isoformat(),
        }
    )

    response = client.post(change_url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    firm.refresh_from_db()
    assert firm.verified_on == timezone.localdate()
    profile = client.get("/firms/songhua/").content.decode()
    assert '<span class="badge badge--verified">Verified</span>' in profile
    assert "Verified by Zhou Min" in profile


def test_a_verification_without_a_licence_check_is_refused_in_the_admin(client, operator, firm, admin_form_data):
    change_url = reverse("admin:directory_firm_change", args=[firm.pk])
    data = admin_form_data(client.get(change_url))
    data.update(
        {
            "verifications-TOTAL_FORMS": "1",
            "verifications-0-checked_office_address": "on",
            "verifications-0-verified_by": "Zhou Min",
            "verifications-0-verified_on": timezone.localdate().isoformat(),
        }
    )

    response = client.post(change_url, data)

    assert response.status_code == 200
    assert "A verification checks at least a business or lawyer licence." in response.content.decode()
    assert not firm.verifications.exists()
