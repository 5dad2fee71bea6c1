"""The firm's reviews in the portal (reply, report) and the operators' decision on reports."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from directory.models import Review, ReviewFlag
from directory.services import reviews as review_services
from lawzana.page_cache import tag_stamp
from tests.factories import (
    FirmFactory,
    FirmUserFactory,
    MembershipFactory,
    ReviewFactory,
    StaffFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

GOOD_REPLY = "Thank you for your kind words; we were glad to help."


def _list_url(firm, **query):
    url = reverse("portal:reviews", kwargs={"firm_slug": firm.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _reply_url(firm, review):
    return reverse("portal:review_reply", kwargs={"firm_slug": firm.slug, "pk": review.pk})


def _flag_url(firm, review):
    return reverse("portal:review_flag", kwargs={"firm_slug": firm.slug, "pk": review.pk})


def _reply(client, firm, review, body=GOOD_REPLY, **kwargs):
    return client.post(_reply_url(firm, review), {f"reply-{review.pk}-body": body}, **kwargs)


def _flag(client, firm, review, reason="offensive", note="", **kwargs):
    data = {f"flag-{review.pk}-reason": reason, f"flag-{review.pk}-note": note}
    return client.post(_flag_url(firm, review), data, **kwargs)


def _page(response):
    return " ".join(response.content.decode().split())


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


# --- Who may see and act ----------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_changes(client):
    review = ReviewFactory()
    firm = review.firm

    for response in (client.get(_list_url(firm)), _reply(client, firm, review), _flag(client, firm, review)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/portal/")

    review.refresh_from_db()
    assert review.reply_body == "" and not ReviewFlag.objects.exists()


def test_firm_users_without_two_factor_are_sent_to_set_it_up_and_nothing_changes(client):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    review = ReviewFactory(firm=membership.firm)
    client.force_login(membership.user)

    for response in (
        client.get(_list_url(membership.firm)),
        _reply(client, membership.firm, review),
        _flag(client, membership.firm, review),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:mfa_required"))

    review.refresh_from_db()
    assert review.reply_body == "" and not ReviewFlag.objects.exists()


def test_another_firms_reviews_page_is_a_404(client, member):
    other = ReviewFactory().firm

    assert client.get(_list_url(other)).status_code == 404


def test_replying_to_or_reporting_another_firms_review_is_a_404_and_changes_nothing(client, member):
    theirs = ReviewFactory(body="Another firm's review.")

    # Through our own firm's URL with their review's id, and through their firm's URL.
    for firm in (member.firm, theirs.firm):
        assert _reply(client, firm, theirs).status_code == 404
        assert _flag(client, firm, theirs).status_code == 404

    theirs.refresh_from_db()
    assert theirs.reply_body == "" and not ReviewFlag.objects.exists()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_an_unpublished_review_of_the_firm_cannot_be_answered(client, member, status):
    review = ReviewFactory(firm=member.firm, status=status, rejection_reason="Spam" if status == "rejected" else "")

    assert _reply(client, member.firm, review).status_code == 404
    assert _flag(client, member.firm, review).status_code == 404


def test_the_actions_need_a_post(client, member):
    review = ReviewFactory(firm=member.firm)

    assert client.get(_reply_url(member.firm, review)).status_code == 405
    assert client.get(_flag_url(member.firm, review)).status_code == 405


# --- The list ---------------------------------------------------------------------------


@pytest.mark.parametrize("owner", [False, True])
def test_members_and_owners_see_their_published_reviews_newest_first(client, owner, assert_valid_html):
    membership = MembershipFactory(owner=owner)
    client.force_login(membership.user)
    firm = membership.firm
    now = timezone.now()
    ReviewFactory(firm=firm, author_name="Old Client", created_at=now - datetime.timedelta(days=30))
    ReviewFactory(firm=firm, author_name="New Client", created_at=now, title="Quick & <clear>")
    ReviewFactory(firm=firm, author_name="Pending Client", status="pending")
    ReviewFactory(firm=firm, author_name="Rejected Client", status="rejected", rejection_reason="Spam")
    ReviewFactory(author_name="Other Firm Client")

    response = client.get(_list_url(firm))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = _page(response)
    assert page.index("New Client") < page.index("Old Client")
    assert "Pending Client" not in page and "Rejected Client" not in page and "Other Firm Client" not in page
    assert "Quick &amp; &lt;clear&gt;" in page
    assert page.count("Publish the reply") == 2 and page.count("Report this review to operators") == 2
    assert 'aria-current="page">Reviews<' in page


def test_a_firm_without_reviews_is_told_where_they_come_from(client, member, assert_valid_html):
    response = client.get(_list_url(member.firm))

    assert_valid_html(response.content)
    assert "no published reviews yet" in _page(response)


def test_the_list_is_paginated_by_twenty_and_tolerates_odd_page_numbers(client, member):
    start = timezone.now()
    for i in range(21):
        ReviewFactory(firm=member.firm, author_name=f"Client number {i:02d}", created_at=start - datetime.timedelta(i))

    first, second = client.get(_list_url(member.firm)), client.get(_list_url(member.firm, page=2))

    assert "Client number 00" in _page(first) and "Client number 20" not in _page(first)
    assert "Client number 20" in _page(second) and "Page 2 of 2" in _page(second)
    for odd in ("-1", "abc", "99999999999"):
        assert client.get(_list_url(member.firm, page=odd)).status_code == 200


@pytest.mark.parametrize("count", [2, 25])
def test_the_list_runs_a_fixed_number_of_queries(client, member, count, django_assert_max_num_queries):
    for i in range(count):
        review = ReviewFactory(firm=member.firm, reply_body=GOOD_REPLY if i % 2 else "")
        if i % 3 == 0:
            ReviewFlag.objects.create(review=review, reason="false", status="dismissed", resolved_at=timezone.now())
        if i % 4 == 0:
            ReviewFlag.objects.create(review=review, reason="offensive")

    # Session, user, two-factor check, membership; count + page; the idle timeout's session save.
    with django_assert_max_num_queries(9):
        response = client.get(_list_url(member.firm))

    assert response.status_code == 200


# --- Replying ---------------------------------------------------------------------------


def test_a_reply_is_published_under_the_review_on_the_public_profile(
    client, member, django_capture_on_commit_callbacks, assert_valid_html
):
    firm = member.firm
    review = ReviewFactory(firm=firm)
    retired = tag_stamp(f"firm:{firm.pk}")

    with django_capture_on_commit_callbacks(execute=True):
        response = _reply(client, firm, review, body=f"  {GOOD_REPLY}\n<script>alert(1)</script>  ")

    assert response.status_code == 302
    assert response["Location"] == f"{_list_url(firm)}#review-{review.pk}"
    review.refresh_from_db()
    assert review.reply_body == f"{GOOD_REPLY}\n<script>alert(1)</script>"
    assert review.replied_by == member.user and review.replied_at is not None
    assert tag_stamp(f"firm:{firm.pk}") > retired  # the firm's cached pages retired
    portal = client.get(response["Location"])
    assert "Your reply is published" in _page(portal) and "Publish the reply" not in _page(portal)

    client.logout()
    public = client.get(firm.get_absolute_url())
    assert_valid_html(public.content)
    page = _page(public)
    assert f"Response from {firm.name}" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert f'datetime="{timezone.localdate():%Y-%m-%d}"' in page


def test_a_second_reply_is_refused_with_a_message_and_changes_nothing(client, member):
    review = ReviewFactory(firm=member.firm)
    _reply(client, member.firm, review)

    response = _reply(client, member.firm, review, body="A different reply, written later.", follow=True)

    assert "a review gets one reply only" in _page(response)
    review.refresh_from_db()
    assert review.reply_body == GOOD_REPLY


@pytest.mark.parametrize(("body", "error"), [("Too short", "at least 10"), ("x" * 2001, "at most 2000")])
def test_a_reply_of_the_wrong_length_shows_the_error_and_keeps_the_text(
    client, member, body, error, assert_valid_html
):
    review = ReviewFactory(firm=member.firm)

    response = _reply(client, member.firm, review, body=body)

    assert response.status_code == 400
    assert_valid_html(response.content)
    assert error in _page(response)
    assert body[:50] in _page(response)
    review.refresh_from_db()
    assert review.reply_body == ""


def test_the_reply_service_refuses_a_reply_of_the_wrong_length():
    review = ReviewFactory()

    with pytest.raises(review_services.ReviewActionError):
        review_services.review_reply(review_id=review.pk, firm_id=review.firm_id, body=" short ", user=None)


def test_after_acting_on_a_review_on_page_two_the_firm_returns_there(client, member):
    start = timezone.now()
    reviews = [ReviewFactory(firm=member.firm, created_at=start - datetime.timedelta(i)) for i in range(21)]

    response = _reply(client, member.firm, reviews[-1])

    assert response["Location"] == f"{_list_url(member.firm, page=2)}#review-{reviews[-1].pk}"


# --- Reporting --------------------------------------------------------------------------


def test_a_report_goes_to_operators_and_the_page_says_it_waits(client, member, assert_valid_html):
    review = ReviewFactory(firm=member.firm)

    response = _flag(client, member.firm, review, reason="not_client", note="We have no record of this client.")

    assert response.status_code == 302
    flag = ReviewFlag.objects.get()
    assert (flag.review, flag.reason, flag.status) == (review, "not_client", "open")
    assert flag.flagged_by == member.user and flag.note == "We have no record of this client."
    page = client.get(response["Location"])
    assert_valid_html(page.content)
    assert "they have not decided yet" in _page(page) and "Report this review to operators" not in _page(page)


def test_a_second_report_while_one_is_open_is_refused_with_a_message(client, member):
    review = ReviewFactory(firm=member.firm)
    _flag(client, member.firm, review)

    # Sent from a page loaded before the first report: the open-flag constraint answers.
    response = _flag(client, member.firm, review, reason="false", follow=True)

    assert response.status_code == 200
    assert "already reported" in _page(response)
    assert ReviewFlag.objects.count() == 1


def test_a_report_without_a_known_reason_shows_the_error(client, member, assert_valid_html):
    review = ReviewFactory(firm=member.firm)

    response = _flag(client, member.firm, review, reason="because", note="x" * 10)

    assert response.status_code == 400
    assert_valid_html(response.content)
    assert "Select a valid choice" in _page(response) and '<details class="portal-review__flag" open>' in _page(
        response
    )
    assert not ReviewFlag.objects.exists()


# --- Operators decide -------------------------------------------------------------------

FLAGS = "admin:directory_reviewflag_changelist"


def _operator():
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Operators"))
    return user


def _act(client, action, flags):
    data = {"action": action, "_selected_action": [str(f.pk) for f in flags], "index": "0"}
    return client.post(reverse(FLAGS), data, follow=True)


def test_operators_may_decide_reports_claims_and_see_invitations_and_views():
    permissions = {p.codename for p in Group.objects.get(name="Operators").permissions.all()}

    assert {
        "view_reviewflag",
        "change_reviewflag",
        "view_firmclaim",
        "change_firmclaim",
        "view_invitation",
        "view_profileviewmonth",
    } <= permissions
    assert not {"delete_reviewflag", "add_reviewflag", "change_invitation", "change_profileviewmonth"} & permissions


def test_upholding_a_report_rejects_the_review_and_takes_it_off_the_profile(client, member):
    firm = member.firm
    review = ReviewFactory(firm=firm, body="An unfair review that should go.")
    _flag(client, firm, review, reason="not_client", note="Never our client.")
    operator = _operator()
    client.force_login(operator)

    changelist = client.get(reverse(FLAGS))
    assert changelist.status_code == 200 and firm.name in _page(changelist)
    response = _act(client, "uphold_flags", ReviewFlag.objects.all())

    assert "1 report decided" in _page(response)
    flag = ReviewFlag.objects.get()
    assert (flag.status, flag.resolved_by) == ("upheld", operator) and flag.resolved_at is not None
    review.refresh_from_db()
    assert review.status == "rejected" and review.moderated_by == operator
    assert (
        "The author was never our client" in review.rejection_reason and "Never our client." in review.rejection_reason
    )
    client.logout()
    assert "An unfair review that should go." not in _page(client.get(firm.get_absolute_url()))


def test_dismissing_a_report_keeps_the_review_and_the_firm_sees_the_decision(client, member):
    firm = member.firm
    review = ReviewFactory(firm=firm)
    _flag(client, firm, review)
    client.force_login(_operator())

    _act(client, "dismiss_flags", ReviewFlag.objects.all())
    # A second decision on the same report changes nothing.
    response = _act(client, "uphold_flags", ReviewFlag.objects.all())

    assert "already decided" in _page(response)
    assert ReviewFlag.objects.get().status == "dismissed"
    review.refresh_from_db()
    assert review.status == "published"
    client.force_login(member.user)
    page = _page(client.get(_list_url(firm)))
    assert "Operators looked at your report and kept the review" in page
    assert "Report this review to operators" in page  # a new report may be made


def test_reports_cannot_be_added_or_deleted_in_the_admin(client):
    client.force_login(SuperuserFactory())

    assert client.get(reverse("admin:directory_reviewflag_add")).status_code == 403
    flag = ReviewFlag.objects.create(review=ReviewFactory(), reason="other")
    assert client.get(reverse("admin:directory_reviewflag_delete", args=[flag.pk])).status_code == 403
    assert client.get(reverse("admin:directory_reviewflag_change", args=[flag.pk])).status_code == 200


def test_another_firms_review_cannot_be_reported_through_the_service():
    review = ReviewFactory()
    other = FirmFactory()

    with pytest.raises(Review.DoesNotExist):
        review_services.review_flag(review_id=review.pk, firm_id=other.pk, reason="other", note="", user=None)
