from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import City, PracticeArea


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class FindLawyerForm(forms.Form):
    """The home page's picker: a city and a practice area lead to their landing page."""

    city = CityChoiceField(
        label=_("City"),
        queryset=City.objects.with_place().order_by("country__name", "name"),
        empty_label=_("Choose a city"),
        error_messages={
            "required": _("Choose a city."),
            "invalid_choice": _("We don't know that city: choose one from the list."),
        },
    )
    practice_area = forms.ModelChoiceField(
        label=_("Practice area"),
        queryset=PracticeArea.objects.areas()
        .select_related("parent")
        .order_by("parent__position", "parent__name", "position", "name"),
        empty_label=_("Choose a practice area"),
        error_messages={
            "required": _("Choose a practice area."),
            "invalid_choice": _("We don't know that practice area: choose one from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped options (<optgroup>) are easier to scan than one long list.
        self.fields["city"].choices = [
            ("", self.fields["city"].empty_label),
            *_grouped(self.fields["city"].queryset, lambda c: c.country.name, lambda c: c.name),
        ]
        self.fields["practice_area"].choices = [
            ("", self.fields["practice_area"].empty_label),
            *_grouped(self.fields["practice_area"].queryset, lambda a: a.parent.name, str),
        ]


def _grouped(queryset, group_of, label_of):
    groups: dict[str, list] = {}
    for obj in queryset:
        groups.setdefault(group_of(obj), []).append((obj.pk, label_of(obj)))
    return list(groups.items())
