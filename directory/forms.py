"""Form fields for picking places and practice areas, shared by the home page's picker and
the request form."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import City, PracticeArea


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """Options grouped into <optgroup>s by the field's group_label(), in queryset order.
    Lazy like Django's own iterator, so each form shows current rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for obj in self.queryset:
            groups.setdefault(self.field.group_label(obj), []).append(self.choice(obj))
        yield from groups.items()


class CityField(forms.ModelChoiceField):
    """Cities grouped by country; a forged id is refused by the queryset as usual."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", City.objects.with_place().order_by("country__name", "name"))
        kwargs.setdefault("empty_label", _("Choose a city"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a city."),
                "invalid_choice": _("We don't know that city: choose one from the list."),
            },
        )
        super().__init__(**kwargs)

    def group_label(self, city):
        return city.country.name

    def label_from_instance(self, city):
        return city.name


class PracticeAreaField(forms.ModelChoiceField):
    """Practice areas (never groups) grouped under their group."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "queryset",
            PracticeArea.objects.areas()
            .select_related("parent")
            .order_by("parent__position", "parent__name", "position", "name"),
        )
        kwargs.setdefault("empty_label", _("Choose a practice area"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a practice area."),
                "invalid_choice": _("We don't know that practice area: choose one from the list."),
            },
        )
        super().__init__(**kwargs)

    def group_label(self, area):
        return area.parent.name
