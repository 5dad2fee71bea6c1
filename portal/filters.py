"""The request inbox's filters. Every choice a firm can pick comes from its own matches
(docs/reliability.md A4); anything else in the query string is ignored or becomes a form error."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import City, PracticeArea
from intake.models import Match
from intake.services.answers import FIRM_GROUP_OF_STATUS, FIRM_STATUS_GROUPS

# The groups live with the answers (intake), where the API reads them too.
STATUS_GROUPS = FIRM_STATUS_GROUPS
STATUS_GROUP_LABELS = {
    "new": _("New"),
    "viewed": _("Viewed"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "expired": _("Expired"),
    "returned": _("Returned"),
    "withdrawn": _("Withdrawn by the client"),
}
GROUP_OF_STATUS = FIRM_GROUP_OF_STATUS


def _firm_matches(request):
    firm = getattr(request, "firm", None)
    return Match.objects.filter(firm=firm) if firm is not None else Match.objects.none()


def firm_practice_areas(request):
    return PracticeArea.objects.filter(pk__in=_firm_matches(request).values("lead__practice_area")).order_by("name")


def firm_cities(request):
    return City.objects.filter(pk__in=_firm_matches(request).values("lead__city")).order_by("name")


class MatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=list(STATUS_GROUP_LABELS.items()),
        empty_label=_("Any status"),
        method="filter_status",
    )
    practice_area = django_filters.ModelChoiceFilter(
        label=_("Practice area"),
        field_name="lead__practice_area",
        queryset=firm_practice_areas,
        empty_label=_("Any practice area"),
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"), field_name="lead__city", queryset=firm_cities, empty_label=_("Any city")
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Match
        fields = []  # every filter is declared above; nothing is derived from the model

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=STATUS_GROUPS[value]) if value else queryset
