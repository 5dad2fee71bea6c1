"""The request inbox's filters. Every choice a firm can pick comes from its own matches
(docs/reliability.md A4); anything else in the query string is ignored or becomes a form error."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import City, PracticeArea
from intake.models import Match

S = Match.Status

# What the inbox calls each status. "New" is whatever reached the firm and was not opened
# yet, delivered by email or not; a cancelled match is one the client withdrew.
STATUS_GROUPS = {
    "new": (S.PENDING, S.DELIVERED, S.FAILED),
    "viewed": (S.VIEWED,),
    "accepted": (S.ACCEPTED,),
    "declined": (S.DECLINED,),
    "expired": (S.EXPIRED,),
    "returned": (S.RETURNED,),
    "withdrawn": (S.CANCELLED,),
}
STATUS_GROUP_LABELS = {
    "new": _("New"),
    "viewed": _("Viewed"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "expired": _("Expired"),
    "returned": _("Returned"),
    "withdrawn": _("Withdrawn by the client"),
}
GROUP_OF_STATUS = {status: group for group, statuses in STATUS_GROUPS.items() for status in statuses}


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
