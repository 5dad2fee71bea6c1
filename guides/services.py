from datetime import datetime

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lawzana import emails

from .models import Guide


@transaction.atomic
def guide_publish(*, guide: Guide, user=None, at: datetime | None = None) -> Guide:
    """Publish a guide now, or schedule it when `at` is in the future.

    Refused (ValidationError listing every problem) when the guide does not name its
    reviewer, its review date or at least one source, or when its country has no active
    legal notice (directory/disclaimers.py).
    """
    problems = guide.publish_problems()
    if problems:
        raise ValidationError(problems)
    with reversion.create_revision():
        guide.status = Guide.Status.PUBLISHED
        guide.published_at = at or guide.published_at or timezone.now()
        guide.save()
        reversion.set_user(user)
        if guide.published_at > timezone.now():
            reversion.set_comment(_("Scheduled for publication."))
        else:
            reversion.set_comment(_("Published."))
    return guide


@transaction.atomic
def guide_set_status(*, guide: Guide, status: str, user=None) -> Guide:
    """Move a guide to draft or review (taking it off the public site if it was live)."""
    if status == Guide.Status.PUBLISHED:
        raise ValueError("Use guide_publish() to publish a guide.")
    with reversion.create_revision():
        guide.status = status
        guide.save()
        reversion.set_user(user)
        reversion.set_comment(_("Status changed to “%(status)s”.") % {"status": Guide.Status(status).label})
    return guide


def guides_notify_stale() -> int:
    """Email every active editor the published guides not reviewed for too long.

    Returns the number of stale guides listed (0 sends nothing).
    """
    guides = list(Guide.objects.published().stale().with_place().order_by("last_reviewed_on"))
    if not guides:
        return 0
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name="Editors")
        .values_list("email", "language")
        .distinct()
    )
    if not recipients:
        return len(guides)
    context = {
        "guides": guides,
        "site_url": settings.SITE_URL,
        "admin_url": settings.ADMIN_URL,
        "months": settings.GUIDE_STALE_AFTER_MONTHS,
    }
    for language, addresses in emails.group_by_language(recipients).items():
        emails.send(to=addresses, template="guides_stale", context=context, language=language)
    return len(guides)
