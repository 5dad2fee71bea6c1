"""Periodic jobs that must run once per period however often they are sent."""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from lawzana.models import JobRun

logger = logging.getLogger("lawzana.jobs")
T = TypeVar("T")


def iso_week(now: datetime | None = None) -> str:
    year, week, _ = timezone.localdate(now or timezone.now()).isocalendar()
    return f"{year}-W{week:02d}"


def once_per(job: str, period: str, work: Callable[[], T]) -> T | None:
    """Run `work` unless it already ran for `period`; None when it had.

    The run is recorded in the same transaction as the work: a run that fails leaves no record
    (the next sending tries again), and a second run started meanwhile waits on the record's
    unique index until the first ends, then skips.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                JobRun.objects.create(job=job, period=period)
        except IntegrityError:
            logger.info("job_skipped job=%s period=%s reason=already_ran", job, period)
            return None
        return work()
