import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import GroupedSelect
from .models import Firm, Language

SORTS = {
    "rank": ["-ranking_score", "name"],
    "rating": [F("rating_average").desc(nulls_last=True), "-review_count", "name"],
    "reviews": ["-review_count", "-ranking_score", "name"],
    "newest": ["-created_at", "name"],
}


class _ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The rows in one plain SELECT. Django's iterator uses queryset.iterator(), a server-side
    cursor on PostgreSQL: three round trips for a handful of languages."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class _LanguageField(django_filters.fields.ModelChoiceField):
    iterator = _ListedChoiceIterator


class _LanguageFilter(django_filters.ModelChoiceFilter):
    field_class = _LanguageField


class FirmFilter(django_filters.FilterSet):
    """The listing's filters. Every value lives in the query string, so a shared URL shows
    the same result; unknown values become form errors, never server errors. The <select>s
    are GroupedSelect: Django's markup without a template per option."""

    language = _LanguageFilter(
        label=_("Spoken language"),
        field_name="languages",
        to_field_name="code",
        queryset=Language.objects.all(),
        empty_label=_("Any language"),
        widget=GroupedSelect,
    )
    min_rating = django_filters.ChoiceFilter(
        label=_("Minimum rating"),
        choices=[("4.5", _("4.5 and up")), ("4", _("4 and up")), ("3", _("3 and up"))],
        empty_label=_("Any rating"),
        method="filter_min_rating",
        widget=GroupedSelect,
    )
    verified = django_filters.BooleanFilter(
        label=_("Verified firms only"), widget=forms.CheckboxInput, method="filter_verified"
    )
    size = django_filters.MultipleChoiceFilter(
        label=_("Firm size"), choices=Firm.Size.choices, widget=forms.CheckboxSelectMultiple
    )
    min_years = django_filters.ChoiceFilter(
        label=_("Years in practice"),
        choices=[("5", _("5 or more")), ("10", _("10 or more")), ("20", _("20 or more"))],
        empty_label=_("Any"),
        method="filter_min_years",
        widget=GroupedSelect,
    )
    has_reviews = django_filters.BooleanFilter(
        label=_("With client reviews"), widget=forms.CheckboxInput, method="filter_has_reviews"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("rank", _("Rank")),
            ("rating", _("Rating")),
            ("reviews", _("Number of reviews")),
            ("newest", _("Newest on Lawzana")),
        ],
        empty_label=None,
        method="filter_sort",
        widget=GroupedSelect,
    )

    class Meta:
        model = Firm
        fields = []  # every filter is declared above; nothing is derived from the model

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["sort"].required = False

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "rank"
        return queryset.order_by(*SORTS[sort])

    def filter_min_rating(self, queryset, name, value):
        return queryset.filter(rating_average__gte=value) if value else queryset

    def filter_verified(self, queryset, name, value):
        return queryset.verified() if value else queryset

    def filter_min_years(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(year_established__lte=timezone.localdate().year - int(value))

    def filter_has_reviews(self, queryset, name, value):
        return queryset.filter(review_count__gt=0) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, so it also holds without filters
