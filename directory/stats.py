"""Counting views of firms' public profiles, per calendar month, for the firms' own figures.

A profile is served from a cached copy most of the time (lawzana/page_cache.py), so counting
must cost next to nothing: views are added up in this process and written in one go at
most every PROFILE_VIEW_FLUSH_SECONDS (0: at once). A process that dies loses the views of
its last few seconds; a statistic can afford that, a page that waits on a row lock cannot
(every view of a popular firm would update the same row).
"""

import atexit
import logging
import re
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Membership, ProfileViewMonth

logger = logging.getLogger(__name__)

# Crawlers and link previews (chat apps, social sites) are not people reading the profile.
BOT_USER_AGENT = re.compile(r"bot|crawler|spider|preview", re.IGNORECASE)

_pending: Counter = Counter()  # (firm_id, month) -> views not yet written
_lock = threading.Lock()
_last_write = [time.monotonic()]


def profile_view_count(request, firm_id: int) -> bool:
    """Count one view of a firm's profile if `request` is a person's visit. Returns whether it counted.

    Not counted: HEAD (and anything but GET), obvious bots, and members of the firm looking
    at their own page. Called by the view and, for copies served before the view runs,
    by lawzana.page_cache.PageCacheMiddleware (no request.user there: an anonymous visit).
    """
    if request.method != "GET" or BOT_USER_AGENT.search(request.META.get("HTTP_USER_AGENT", "")):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and Membership.objects.filter(user=user, firm_id=firm_id).exists():
        return False
    month = timezone.localdate().replace(day=1)
    with _lock:
        _pending[(firm_id, month)] += 1
        due = time.monotonic() - _last_write[0] >= settings.PROFILE_VIEW_FLUSH_SECONDS
    if due:
        profile_views_write()
    return True


def profile_views_write() -> None:
    """Write the views this process has counted: one UPDATE ... SET views = views + n per
    firm and month; the month's row is created on its first view, and if two processes race
    to create it, the loser's INSERT hits the unique (firm, month) constraint and it updates
    instead. Views that could not be written are kept for the next try."""
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_write[0] = time.monotonic()
    for (firm_id, month), views in batch.items():
        rows = ProfileViewMonth.objects.filter(firm_id=firm_id, month=month)
        try:
            with transaction.atomic():
                if rows.update(views=F("views") + views):
                    continue
                try:
                    with transaction.atomic():
                        ProfileViewMonth.objects.create(firm_id=firm_id, month=month, views=views)
                except IntegrityError:
                    rows.update(views=F("views") + views)
        except IntegrityError:
            # The firm was deleted since (the new row's foreign key fails when committed).
            continue
        except DatabaseError:
            logger.exception("Could not count %s views of firm %s's profile; will try again.", views, firm_id)
            with _lock:
                _pending[(firm_id, month)] += views


# A worker stopped the usual way (a deploy, gunicorn's max_requests) writes what it holds.
atexit.register(profile_views_write)
