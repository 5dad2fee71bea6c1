"""The firm's landing page in the portal: what waits for an answer, this week's load, whether
the firm is listed and accepting requests, and twelve months of figures (cards, charts and
a table)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from directory import conflicts
from intake import figures

from ..access import portal_view


@portal_view
@require_safe
def dashboard(request):
    firm = request.firm
    months = figures.firm_months(firm=firm)
    charts = [
        figures.bar_chart(
            chart_id="chart-requests",
            title=_("Requests received per month"),
            points=[(m.month, m.received) for m in months],
        ),
        figures.bar_chart(
            chart_id="chart-views",
            title=_("Profile views per month"),
            points=[(m.month, m.profile_views) for m in months],
        ),
    ]
    return render(
        request,
        "portal/figures.html",
        {
            "section": "dashboard",
            "overview": figures.firm_overview(firm=firm),
            "months": months,
            "year": figures.year_figures(months),
            "charts": charts,
            "conflict_skips": conflicts.skips_this_week(firm=firm),
        },
    )
