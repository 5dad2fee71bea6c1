"""Some days after a firm accepted a request, the client is invited to review it; the signed
link works once and the review waits, verified, for moderation."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from directory.models import Review
from intake.models import ReviewInvitation
from intake.services import client_actions, reviews
from intake.tasks import review_invitations_send as review_invitations_send_task
from tests.factories import FirmFactory, LeadFactory, MatchFactory
from tests.intake import flaky_backend

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def accepted(harbin):
    """A match the firm accepted just now, for a client called Li Wei in Harbin."""
    lead = LeadFactory(city=harbin, name="Li Wei", email="li.wei@example.com", status="matched")
    firm = FirmFactory(name="Songhua & <River> Law")
    return MatchFactory(lead=lead, firm=firm, status="accepted", responded_at=timezone.now())


def _send_at(moment):
    with time_machine.travel(moment, tick=False):
        return reviews.review_invitations_send()


def _link(message):
    path = reverse("intake:review_new", kwargs={"signed": "X"}).rsplit("X", 1)[0]
    start = message.body.index(settings.SITE_URL + path)
    return message.body[start:].split()[0].removeprefix(settings.SITE_URL)


def _invite(match):
    invitation = ReviewInvitation.objects.create(match=match, sent_at=timezone.now())
    return invitation, reverse("intake:review_new", kwargs={"signed": reviews.invitation_token(invitation)})


REVIEW = {
    "rating": "4",
    "title": "Calm and clear",
    "body": "They explained the PIPL duties clearly and quickly.",
    "author_name": "L., Harbin",
}


# --- Sending ------------------------------------------------------------------------------


def test_the_invitation_is_sent_once_after_the_delay_and_not_before(accepted):
    delay = settings.REVIEW_INVITATION_DELAY_DAYS

    assert _send_at(timezone.now() + (delay - 1) * DAY) == 0
    assert mail.outbox == [] and not ReviewInvitation.objects.exists()

    assert _send_at(timezone.now() + (delay + 1) * DAY) == 1
    assert _send_at(timezone.now() + (delay + 2) * DAY) == 0

    (message,) = mail.outbox
    assert message.to == ["li.wei@example.com"]
    assert message.subject == "How did Songhua & <River> Law do? Review the firm on Lawzana"
    assert "Hello Li Wei," in message.body
    html = message.alternatives[0][0]
    assert "Songhua &amp; &lt;River&gt; Law" in html and "<River>" not in html
    assert _link(message) in html
    invitation = ReviewInvitation.objects.get()
    assert invitation.match == accepted and invitation.sent_at is not None and invitation.used_at is None


def test_the_hourly_task_sends_them_and_is_on_the_beat_schedule(accepted):
    with time_machine.travel(timezone.now() + 15 * DAY, tick=False):
        assert review_invitations_send_task.apply().get() == 1

    assert len(mail.outbox) == 1
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["intake.tasks.review_invitations_send"] == 3600


@pytest.mark.parametrize(
    "change",
    [
        {"match": {"status": "declined"}},
        {"match": {"status": "returned"}},
        {"lead": {"status": "withdrawn"}},
        {"lead": {"erased_at": timezone.now()}},
    ],
    ids=["declined", "returned", "withdrawn", "erased"],
)
def test_no_invitation_for_unaccepted_matches_or_withdrawn_or_erased_requests(accepted, change):
    type(accepted).objects.filter(pk=accepted.pk).update(**change.get("match", {}))
    type(accepted.lead).objects.filter(pk=accepted.lead_id).update(**change.get("lead", {}))

    assert _send_at(timezone.now() + 20 * DAY) == 0

    assert mail.outbox == []


def test_work_accepted_so_long_ago_that_the_link_would_have_expired_is_left_alone(accepted):
    too_old = settings.REVIEW_INVITATION_DELAY_DAYS + settings.REVIEW_INVITATION_VALID_DAYS + 1

    assert _send_at(timezone.now() + too_old * DAY) == 0

    assert mail.outbox == [] and not ReviewInvitation.objects.exists()


def test_a_failed_send_is_retried_on_the_next_run(accepted, monkeypatch, settings):
    settings.EMAIL_BACKEND = "tests.intake.flaky_backend.FlakyBackend"
    monkeypatch.setattr(flaky_backend, "FAILURES", [451])  # the server asks to try later

    later = timezone.now() + 15 * DAY
    assert _send_at(later) == 0
    assert ReviewInvitation.objects.get().sent_at is None

    assert _send_at(later + datetime.timedelta(hours=1)) == 1
    assert len(mail.outbox) == 1


def test_an_invitation_created_by_another_run_is_not_created_twice(accepted):
    ReviewInvitation.objects.create(match=accepted, sent_at=timezone.now())

    assert _send_at(timezone.now() + 15 * DAY) == 0
    assert ReviewInvitation.objects.count() == 1 and mail.outbox == []


# --- Writing the review -------------------------------------------------------------------


def test_the_link_shows_the_form_signed_with_initial_and_city(client, accepted, assert_valid_html):
    _send_at(timezone.now() + 15 * DAY)
    url = _link(mail.outbox[0])

    response = client.get(url)

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = response.content.decode()
    assert "How did Songhua &amp; &lt;River&gt; Law do?" in page
    assert 'value="L., Harbin"' in page
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_the_link_works_once_and_the_review_waits_verified_for_moderation(client, accepted):
    invitation, url = _invite(accepted)

    response = client.post(url, REVIEW)

    assert response.status_code == 302
    assert response["Location"] == reverse("intake:review_thanks")
    review = Review.objects.get()
    assert (review.firm, review.status, review.is_verified) == (accepted.firm, "pending", True)
    assert (review.rating, review.title, review.author_name) == (4, "Calm and clear", "L., Harbin")
    assert review in Review.objects.pending()
    invitation.refresh_from_db()
    assert invitation.review == review and invitation.used_at is not None
    assert "Thank you for your review" in client.get(response["Location"]).content.decode()
    assert review.body not in client.get(accepted.firm.get_absolute_url()).content.decode()

    again = client.post(url, {**REVIEW, "title": "Second try"})
    assert again.status_code == 410
    assert "already written with this link" in again.content.decode()
    assert client.get(url).status_code == 410
    assert Review.objects.count() == 1


def test_a_damaged_link_is_a_400_and_creates_nothing(client, accepted, assert_valid_html):
    invitation, url = _invite(accepted)

    for signed in (url.rstrip("/").rsplit("/", 1)[1] + "x", "nonsense", signing.dumps(invitation.pk, salt="other")):
        response = client.post(reverse("intake:review_new", kwargs={"signed": signed}), REVIEW)
        assert response.status_code == 400
        assert_valid_html(response.content)

    assert not Review.objects.exists()


def test_an_expired_link_is_a_410(client, accepted):
    invitation, url = _invite(accepted)

    with time_machine.travel(timezone.now() + (settings.REVIEW_INVITATION_VALID_DAYS + 1) * DAY):
        response = client.post(url, REVIEW)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Review.objects.exists()


def test_the_link_of_an_erased_request_is_a_410(client, accepted):
    invitation, url = _invite(accepted)
    client_actions.lead_erase(lead=accepted.lead)

    assert client.get(url).status_code == 410
    assert client.post(url, REVIEW).status_code == 410
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"body": "Too short."}, "at least 30"),
        ({"body": "x" * 5001}, "at most 5000"),
        ({"rating": "6"}, "Select a valid choice"),
        ({"author_name": ""}, "This field is required"),
        ({"author_name": "L.\nHarbin"}, "Use one line of plain text."),
        ({"title": "Calm and\r\nclear, and Calm and clear"}, "Use one line of plain text."),
    ],
)
def test_bad_input_shows_the_errors_keeps_the_text_and_creates_nothing(
    client, accepted, change, error, assert_valid_html
):
    invitation, url = _invite(accepted)

    response = client.post(url, {**REVIEW, **change})

    assert response.status_code == 400
    assert_valid_html(response.content)
    page = response.content.decode()
    assert error in page and "Calm and clear" in page
    assert not Review.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_a_submission_racing_another_is_refused(accepted):
    invitation, _url = _invite(accepted)
    reviews.review_submit(invitation=invitation, author_name="L.", rating=5, title="", body="x" * 40)

    with pytest.raises(reviews.InvitationInvalid):
        reviews.review_submit(invitation=invitation, author_name="L.", rating=5, title="", body="y" * 40)

    assert Review.objects.count() == 1
