"""Reviews after they are written: operators publish or reject them (the firm's rating and rank
follow at once); a firm replies once to a published review of its own, or flags it for the
operators, who uphold the flag (the review is rejected) or dismiss it."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Review, ReviewFlag
from .firms import firms_refresh


@transaction.atomic
def review_publish(*, review: Review, moderator=None) -> Review:
    review.status = Review.Status.PUBLISHED
    review.rejection_reason = ""
    review.moderated_by = moderator
    review.moderated_at = timezone.now()
    review.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
    firms_refresh(firm_ids=[review.firm_id])
    return review


@transaction.atomic
def review_reject(*, review: Review, reason: str, moderator=None) -> Review:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A rejected review needs a reason.")
    review.status = Review.Status.REJECTED
    review.rejection_reason = reason[:300]
    review.moderated_by = moderator
    review.moderated_at = timezone.now()
    review.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
    firms_refresh(firm_ids=[review.firm_id])
    return review


REPLY_MIN_LENGTH = 10
REPLY_MAX_LENGTH = 2000


class ReviewActionError(Exception):
    """The action cannot be done in the review's current state; the message says why."""


@transaction.atomic
def review_reply(*, review_id: int, firm_id: int, body: str, user) -> Review:
    """Publish the firm's one reply under a published review of its own.

    Locks the review so that two members replying at once give one reply and one clear
    refusal, never an overwrite. The public profile shows the reply, so the firm's cached
    pages are retired (firms_refresh).
    """
    review = Review.objects.select_for_update().get(pk=review_id, firm_id=firm_id, status=Review.Status.PUBLISHED)
    if review.reply_body:
        raise ReviewActionError(_("This review already has your firm's reply; a review gets one reply only."))
    body = body.strip()
    if not REPLY_MIN_LENGTH <= len(body) <= REPLY_MAX_LENGTH:
        raise ReviewActionError(
            _("A reply has %(min)d to %(max)d characters.") % {"min": REPLY_MIN_LENGTH, "max": REPLY_MAX_LENGTH}
        )
    review.reply_body = body
    review.replied_at = timezone.now()
    review.replied_by = user
    review.save(update_fields=["reply_body", "replied_at", "replied_by"])
    firms_refresh(firm_ids=[firm_id])
    return review


@transaction.atomic
def review_flag(*, review_id: int, firm_id: int, reason: str, note: str, user) -> ReviewFlag:
    """Ask operators to look at a published review of the firm's own. One open flag per
    review: the database's partial unique constraint settles a race between two members."""
    review = Review.objects.get(pk=review_id, firm_id=firm_id, status=Review.Status.PUBLISHED)
    if reason not in ReviewFlag.Reason.values:
        raise ReviewActionError(_("Choose a reason from the list."))
    try:
        with transaction.atomic():
            return ReviewFlag.objects.create(review=review, reason=reason, note=note.strip(), flagged_by=user)
    except IntegrityError as exc:
        raise ReviewActionError(_("This review is already reported; operators will look at it soon.")) from exc


@transaction.atomic
def review_flag_resolve(*, flag_id: int, uphold: bool, moderator) -> bool:
    """Decide an open flag. Upheld: the review is rejected, with the flag's reason as the
    rejection reason, and leaves the public profile. Dismissed: the review stays.
    Returns False if the flag was already decided (by another operator, say)."""
    flag = ReviewFlag.objects.select_for_update().select_related("review").filter(pk=flag_id).first()
    if flag is None or flag.status != ReviewFlag.Status.OPEN:
        return False
    # A review rejected meanwhile (moderation) keeps its own reason.
    if uphold and flag.review.status != Review.Status.REJECTED:
        reason = _("Reported by the firm: %(reason)s") % {"reason": flag.get_reason_display()}
        if flag.note:
            reason = f"{reason}. {flag.note}"
        review_reject(review=flag.review, reason=reason[:300], moderator=moderator)
    flag.status = ReviewFlag.Status.UPHELD if uphold else ReviewFlag.Status.DISMISSED
    flag.resolved_at = timezone.now()
    flag.resolved_by = moderator
    flag.save(update_fields=["status", "resolved_at", "resolved_by"])
    return True
