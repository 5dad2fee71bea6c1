"""A firm's own figures for the portal dashboard: what is waiting, this week's load, and
twelve months of requests, answers, response times and profile views, month by month and
added up.

Every function runs a fixed number of queries, however many matches the firm has: months
are grouped in the database with TruncMonth in the current time zone (TIME_ZONE, so a
request received at 02:00 on 1 April in Shanghai counts in April although it is still
31 March in UTC), and only the response durations come back row by row, for the median.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.models import Firm, ProfileViewMonth

from .matching import CAPACITY_WINDOW
from .models import Match

MONTHS = 12


@dataclass(frozen=True)
class Overview:
    waiting: int  # delivered or viewed, not answered yet
    this_week: int  # matched in the last seven days, as the weekly capacity counts them
    capacity: int

    @property
    def capacity_left(self) -> int:
        return max(0, self.capacity - self.this_week)


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date  # the first day
    received: int = 0
    accepted: int = 0
    declined: int = 0
    returned: int = 0
    median_response_hours: float | None = None
    profile_views: int = 0
    # Every answer's time from delivery, for the median over several months (year_figures).
    response_hours: tuple[float, ...] = ()


@dataclass(frozen=True)
class YearFigures:
    """The months' figures added up, for the dashboard's cards."""

    received: int
    answered: int  # accepted, declined or returned
    median_response_hours: float | None
    profile_views: int

    @property
    def answer_rate(self) -> int | None:
        """The share of requests answered, in percent; None without requests."""
        return round(100 * self.answered / self.received) if self.received else None


def firm_overview(*, firm: Firm, now: datetime.datetime | None = None) -> Overview:
    """One query."""
    now = now or timezone.now()
    counts = Match.objects.filter(firm=firm).aggregate(
        waiting=Count("pk", filter=Q(status__in=Match.ANSWERABLE_STATUSES)),
        this_week=Count("pk", filter=Q(created_at__gte=now - CAPACITY_WINDOW)),
    )
    return Overview(waiting=counts["waiting"], this_week=counts["this_week"], capacity=firm.lead_capacity_per_week)


def month_starts(*, today: datetime.date | None = None, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `months` months, oldest first, the current month last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    starts = []
    for _i in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def firm_months(*, firm: Firm, today: datetime.date | None = None, months: int = MONTHS) -> list[MonthFigures]:
    """The firm's figures per month, oldest first; months with nothing are zeros. Three queries.

    Requests count in the month they reached the firm (delivered_at), and so do their answers:
    "of March's requests, 5 were accepted". The response time runs from delivery to answer.
    """
    starts = month_starts(today=today, months=months)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    month = TruncMonth("delivered_at", output_field=DateField())
    received = Match.objects.filter(firm=firm, delivered_at__gte=since)

    rows = (
        received.annotate(month=month)
        .values("month")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(status=Match.Status.ACCEPTED)),
            declined=Count("pk", filter=Q(status=Match.Status.DECLINED)),
            returned=Count("pk", filter=Q(status=Match.Status.RETURNED)),
        )
        .order_by()
    )
    counts = {row["month"]: row for row in rows}

    # The median needs every duration; computing it here keeps the SQL portable.
    durations: dict[datetime.date, list[float]] = {}
    answered = (
        received.filter(responded_at__isnull=False, responded_at__gte=F("delivered_at"))
        .annotate(month=month)
        .values_list("month", "delivered_at", "responded_at")
        .order_by()
    )
    for start, delivered_at, responded_at in answered:
        durations.setdefault(start, []).append((responded_at - delivered_at).total_seconds() / 3600)

    views = dict(
        ProfileViewMonth.objects.filter(firm=firm, month__gte=starts[0]).values_list("month", "views").order_by()
    )

    result = []
    for start in starts:
        row = counts.get(start, {})
        hours = durations.get(start)
        result.append(
            MonthFigures(
                month=start,
                received=row.get("received", 0),
                accepted=row.get("accepted", 0),
                declined=row.get("declined", 0),
                returned=row.get("returned", 0),
                median_response_hours=round(statistics.median(hours), 1) if hours else None,
                profile_views=views.get(start, 0),
                response_hours=tuple(hours or ()),
            )
        )
    return result


def year_figures(months: list[MonthFigures]) -> YearFigures:
    """The months (firm_months) added up; the median over every answer, not of the months'
    medians. No query."""
    hours = [h for month in months for h in month.response_hours]
    return YearFigures(
        received=sum(month.received for month in months),
        answered=sum(month.accepted + month.declined + month.returned for month in months),
        median_response_hours=round(statistics.median(hours), 1) if hours else None,
        profile_views=sum(month.profile_views for month in months),
    )


# --- The bar chart, drawn on the server as SVG ------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str  # "Mar"
    sublabel: str  # the year under January and the first month, else ""
    long_label: str  # "March 2026", for the tooltip
    label_x: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    baseline_y: float
    plot_left: float
    plot_right: float
    top_y: float
    maximum: int
    bars: list[Bar]


CHART_WIDTH = 640
CHART_HEIGHT = 220
_TOP, _BOTTOM, _LEFT, _RIGHT = 20, 46, 40, 10
_GAP = 0.25  # the share of each slot left empty between bars
PLOT_HEIGHT = CHART_HEIGHT - _TOP - _BOTTOM  # the tallest bar's height


def bar_chart(*, chart_id: str, title: str, points: list[tuple[datetime.date, int]]) -> Chart:
    """Bars scaled to the largest value (all-zero months draw a flat baseline, not a
    division by zero). The description tells a screen reader the range and the peak;
    the page's table has every number."""
    plot_width = CHART_WIDTH - _LEFT - _RIGHT
    baseline = CHART_HEIGHT - _BOTTOM
    maximum = max((value for _month, value in points), default=0)
    slot = plot_width / max(1, len(points))
    bar_width = slot * (1 - _GAP)
    bars = []
    for i, (month, value) in enumerate(points):
        height = PLOT_HEIGHT * value / maximum if maximum else 0
        x = _LEFT + i * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                value=value,
                label=date_format(month, "M"),
                sublabel=date_format(month, "Y") if i == 0 or month.month == 1 else "",
                long_label=date_format(month, "YEAR_MONTH_FORMAT"),
                label_x=round(x + bar_width / 2, 1),
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        description=_chart_description(points, maximum),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline_y=baseline,
        plot_left=_LEFT,
        plot_right=CHART_WIDTH - _RIGHT,
        top_y=_TOP,
        maximum=maximum,
        bars=bars,
    )


def _chart_description(points, maximum) -> str:
    if not points:
        return _("No months to show.")
    first, last = date_format(points[0][0], "YEAR_MONTH_FORMAT"), date_format(points[-1][0], "YEAR_MONTH_FORMAT")
    if not maximum:
        return _("%(first)s to %(last)s: none in any month.") % {"first": first, "last": last}
    peak = next(month for month, value in points if value == maximum)
    return _("%(first)s to %(last)s: %(total)d in all, most in %(peak)s (%(maximum)d).") % {
        "first": first,
        "last": last,
        "total": sum(value for _month, value in points),
        "peak": date_format(peak, "YEAR_MONTH_FORMAT"),
        "maximum": maximum,
    }
