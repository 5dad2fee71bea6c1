"""Review invitations: some days after a firm accepted a request, the client is emailed a
signed link to review that firm. A review written through it is marked verified and waits in
the moderation queue like any other. The link works once.

Every step can run twice: ReviewInvitation is one-to-one with its match (a second run finds
it, or loses the INSERT race and skips), an invitation is marked sent in the transaction
that holds its row lock, and using the link is a conditional UPDATE on used_at.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from directory.models import Review
from lawzana.emails import DeliveryError, send

from ..models import Lead, Match, ReviewInvitation

logger = logging.getLogger(__name__)

SIGNING_SALT = "intake.review-invitation"
# One run of the hourly task stops taking new invitations after this long (the task's soft
# time limit is 90 s); what is left goes out an hour later.
SEND_BUDGET_SECONDS = 60
# An invitation whose email keeps failing is given up after this many days.
SEND_RETRY_DAYS = 7


class InvitationInvalid(Exception):
    """The link cannot be used. `status` is the HTTP status to answer with: 400 for a link
    that is not ours or is damaged, 410 for one that was ours and no longer works."""

    def __init__(self, reason: str, *, status: int):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def invitation_token(invitation: ReviewInvitation) -> str:
    return signing.dumps(invitation.pk, salt=SIGNING_SALT)


def invitation_url(invitation: ReviewInvitation) -> str:
    return settings.SITE_URL + reverse("intake:review_new", kwargs={"signed": invitation_token(invitation)})


def _lead_gone(lead: Lead) -> bool:
    return lead.is_erased or lead.status == Lead.Status.WITHDRAWN


def _due_matches(now):
    """Accepted matches whose answer is older than the delay, with no invitation yet, of
    requests still holding the client's address. Matches answered so long ago that the
    link would already have expired are left alone (the feature's first run, or a long
    outage, must not email clients about work from months ago)."""
    delay = timedelta(days=settings.REVIEW_INVITATION_DELAY_DAYS)
    return Match.objects.filter(
        status=Match.Status.ACCEPTED,
        responded_at__lt=now - delay,
        responded_at__gte=now - delay - timedelta(days=settings.REVIEW_INVITATION_VALID_DAYS),
        review_invitation__isnull=True,
        lead__erased_at__isnull=True,
    ).exclude(lead__status__in=[Lead.Status.WITHDRAWN])


def review_invitations_send(*, now=None) -> int:
    """Create the invitations that are due and email every unsent one. Returns how many were
    sent by this run. Run hourly by intake.tasks.review_invitations_send."""
    now = now or timezone.now()
    for match_id in _due_matches(now).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                ReviewInvitation.objects.create(match_id=match_id)
        except IntegrityError:
            continue  # another run created it first
    unsent = ReviewInvitation.objects.filter(
        sent_at__isnull=True, created_at__gte=now - timedelta(days=SEND_RETRY_DAYS)
    ).order_by("created_at")
    sent = 0
    deadline = time.monotonic() + SEND_BUDGET_SECONDS
    for invitation_id in unsent.values_list("pk", flat=True):
        if time.monotonic() > deadline:
            break
        try:
            sent += review_invitation_send(invitation_id=invitation_id)
        except DeliveryError as exc:
            # Left unsent: the next run tries again, for SEND_RETRY_DAYS.
            logger.warning("Review invitation %s not sent (%s).", invitation_id, exc)
    return sent


def review_invitation_send(*, invitation_id: int) -> bool:
    """Email one invitation and mark it sent. Returns False if there was nothing to send
    (sent already, being sent by another worker, or the request was withdrawn or erased).
    Raises DeliveryError with the row left unsent."""
    with transaction.atomic():
        invitation = (
            ReviewInvitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("match__lead__city", "match__lead__practice_area", "match__firm")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None or _lead_gone(invitation.match.lead):
            return False
        lead, firm = invitation.match.lead, invitation.match.firm
        send(
            to=[lead.email],
            template="review_invitation",
            context={
                "lead": lead,
                "firm": firm,
                "review_url": invitation_url(invitation),
                "valid_days": settings.REVIEW_INVITATION_VALID_DAYS,
            },
        )
        # A crash between the SMTP answer and this commit sends it again next hour: rare,
        # and a second copy of the same link does no harm (the link works once).
        ReviewInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def invitation_from_token(signed: str) -> ReviewInvitation:
    """The invitation behind a link, ready to write a review with, or InvitationInvalid."""
    try:
        pk = signing.loads(signed, salt=SIGNING_SALT, max_age=timedelta(days=settings.REVIEW_INVITATION_VALID_DAYS))
    except signing.SignatureExpired as exc:
        raise InvitationInvalid("expired", status=410) from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid("bad", status=400) from exc
    invitation = (
        ReviewInvitation.objects.select_related("match__lead__city", "match__firm").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invitation is None:
        raise InvitationInvalid("gone", status=410)
    if invitation.used_at is not None:
        raise InvitationInvalid("used", status=410)
    if _lead_gone(invitation.match.lead):
        raise InvitationInvalid("gone", status=410)
    return invitation


def default_author_name(lead: Lead) -> str:
    """How the review is signed unless the client changes it: "L., Harbin"."""
    initial = lead.name.strip()[:1].upper()
    return f"{initial}., {lead.city.name}" if initial else lead.city.name


@transaction.atomic
def review_submit(*, invitation: ReviewInvitation, author_name: str, rating: int, title: str, body: str) -> Review:
    """Write the review through its invitation: pending moderation, verified (the firm
    accepted this client's request). The conditional UPDATE on used_at lets one of two
    simultaneous submissions through; the other gets InvitationInvalid("used")."""
    claimed = ReviewInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now())
    if claimed != 1:
        raise InvitationInvalid("used", status=410)
    review = Review.objects.create(
        firm_id=invitation.match.firm_id,
        author_name=author_name,
        rating=rating,
        title=title,
        body=body,
        status=Review.Status.PENDING,
        is_verified=True,
    )
    ReviewInvitation.objects.filter(pk=invitation.pk).update(review=review)
    return review
