"""Counting views of firms' public profiles, per calendar month, for the firms' own figures."""

import logging
import re

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Firm, Membership, ProfileViewMonth

logger = logging.getLogger(__name__)

# Crawlers and link previews (chat apps, social sites) are not people reading the profile.
BOT_USER_AGENT = re.compile(r"bot|crawler|spider|preview", re.IGNORECASE)


def profile_view_count(*, firm: Firm, request) -> bool:
    """Count one view of `firm`'s profile if `request` is a person's visit. Returns whether it counted.

    Not counted: HEAD (and anything but GET), obvious bots, and members of the firm looking
    at their own page. One UPDATE ... SET views = views + 1 per view; the month's row is
    created on its first view, and if two first views race, the loser's INSERT hits the
    unique (firm, month) constraint and it updates instead. A failure to count never costs
    the visitor the page.
    """
    if request.method != "GET" or BOT_USER_AGENT.search(request.META.get("HTTP_USER_AGENT", "")):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and Membership.objects.filter(user=user, firm=firm).exists():
        return False
    month = timezone.localdate().replace(day=1)
    rows = ProfileViewMonth.objects.filter(firm=firm, month=month)
    try:
        with transaction.atomic():
            if rows.update(views=F("views") + 1):
                return True
            try:
                with transaction.atomic():
                    ProfileViewMonth.objects.create(firm=firm, month=month, views=1)
            except IntegrityError:
                rows.update(views=F("views") + 1)
    except DatabaseError:
        logger.exception("Could not count a view of firm %s's profile.", firm.pk)
        return False
    return True
