"""Form fields for picking places and practice areas, shared by the home page's picker, the
request form and the portal.

The pickers list every city (hundreds) and every practice area, on pages that must be fast.
So their options are read once in each process until the names change, as plain
(value, label) tuples grouped under their <optgroup> labels, and written out by GroupedSelect
without a template per option. A save of a country, region, city or practice area retires the
page cache's PLACES tag (directory/apps.py, directory/page_tags.py), whose time is part of the
key, so the next form shows it. What a visitor submits is still
checked against the database (ModelChoiceField.to_python), never against the cached list.
"""

import threading

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lawzana.page_cache import tag_stamp

from . import page_tags
from .models import City, PracticeArea

# Rendered <option> lists kept per picker and generation, one per selected value: enough for
# the values people actually arrive with (the landing pages' prefilled city or area).
RENDERED_SELECTIONS_MAX = 64


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


def _attrs_html(attrs):
    """Attributes as django/forms/widgets/attrs.html writes them (False: left out; True: bare)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option_html(value, label, selected):
    # Exactly django/forms/widgets/select_option.html as select.html includes it.
    if selected:
        return format_html('\n  <option value="{}" selected>{}</option>\n', value, label)
    return format_html('\n  <option value="{}">{}</option>\n', value, label)


def _options_html(choices, selected_values, *, multiple):
    """The <option>s and <optgroup>s of select.html, with Django's selection rule: the first
    option whose value is among selected_values (every such option for a multiple select)."""
    pieces = []
    has_selected = False
    for group_value, group_label in choices:
        if isinstance(group_label, (list, tuple)):
            group_name, options = group_value, group_label
        else:
            group_name, options = None, [(group_value, group_label)]
        if group_name:
            pieces.append(format_html('\n  <optgroup label="{}">', group_name))
        for value, label in options:
            value = "" if value is None else str(value)
            selected = (multiple or not has_selected) and value in selected_values
            has_selected = has_selected or selected
            pieces.append(_option_html(value, label, selected))
        if group_name:
            pieces.append(format_html("\n  </optgroup>{}", ""))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


class GroupedSelect(forms.Select):
    """A <select> with the same markup as Django's Select (name, id, aria and required
    attributes, <optgroup>s, the selected option), written without a template per option.
    With a picker's cached choices, the finished options are reused from one form to the next."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = self.format_value(value)
        rendered = getattr(self.choices, "rendered_options", None)
        if rendered is not None and not self.allow_multiple_selected and len(selected) <= 1:
            options = rendered(selected[0] if selected else None)
        else:
            options = _options_html(self.choices, set(selected), multiple=self.allow_multiple_selected)
        return format_html('<select name="{}"{}>{}\n</select>', name, _attrs_html(final_attrs), options)


class _PickerChoices:
    """One picker's choices for one content generation and language: plain tuples, no rows."""

    def __init__(self, key, groups):
        self.key = key
        self.groups = groups  # ((group label, ((value, label), ...)), ...)
        self.values = frozenset(str(value) for _group, options in groups for value, _label in options)
        self.rendered = {}
        self.lock = threading.Lock()

    def options_html(self, empty_label, selected):
        cache_key = (None if empty_label is None else str(empty_label), selected)
        html = self.rendered.get(cache_key)
        if html is None:
            choices = self.groups if empty_label is None else (("", empty_label), *self.groups)
            html = _options_html(choices, {selected} if selected is not None else set(), multiple=False)
            with self.lock:
                if len(self.rendered) >= RENDERED_SELECTIONS_MAX:
                    self.rendered.clear()
                self.rendered[cache_key] = html
        return html


class _CachedChoiceIterator(BaseChoiceIterator):
    """A picker's choices, from the per-process copy: the empty label, then the groups."""

    def __init__(self, field):
        self.field = field

    def _current(self):
        return self.field.cached_choices()

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._current().groups

    def __len__(self):
        return (self.field.empty_label is not None) + len(self._current().groups)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self._current().groups)

    def rendered_options(self, selected):
        return self._current().options_html(self.field.empty_label, selected)


class CachedGroupedChoicesMixin:
    """For a ModelChoiceField whose options are the same for every visitor: the grouped
    options come from a copy kept per process (see the module docstring) as long as the field
    keeps its default queryset. Give it another queryset (as a keyword, by assignment, or
    through limit_choices_to) and it lists that queryset's rows, read each time, as Django does.

    group_label() and label_from_instance() must depend on the row only.
    """

    iterator = GroupedModelChoiceIterator
    widget = GroupedSelect
    _picker_choices: dict = {}  # {(field class, to_field_name): _PickerChoices}, per process
    _picker_lock = threading.Lock()

    def __init__(self, **kwargs):
        uses_default = "queryset" not in kwargs
        kwargs.setdefault("queryset", self.default_queryset())
        super().__init__(**kwargs)
        self._uses_cached_choices = uses_default
        self.widget.choices = self.choices

    def default_queryset(self):
        raise NotImplementedError

    def _set_queryset(self, queryset):
        self._uses_cached_choices = False
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)  # assigns a copy of the queryset
        result._uses_cached_choices = self._uses_cached_choices
        result.widget.choices = result.choices
        return result

    def _get_choices(self):
        if hasattr(self, "_choices"):
            return self._choices
        if getattr(self, "_uses_cached_choices", False):
            return _CachedChoiceIterator(self)
        return self.iterator(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def has_choice(self, value: str) -> bool:
        """Whether value, as a visitor sent it (say ?city=12), is one of the options this picker
        shows. From the per-process copy, so without a query once the generation's options are read."""
        if value in self.empty_values:
            return False
        if getattr(self, "_uses_cached_choices", False):
            return str(value) in self.cached_choices().values
        try:
            self.to_python(value)
        except forms.ValidationError:
            return False
        return True

    def cached_choices(self) -> _PickerChoices:
        """This class's options for the current names (the PLACES tag) and language, read from
        the database (one query) only the first time in this process."""
        picker = (type(self), self.to_field_name)
        key = (tag_stamp(page_tags.PLACES), get_language())
        current = self._picker_choices.get(picker)
        if current is None or current.key != key:
            # Grouped as GroupedModelChoiceIterator groups them; the values stay, the rows go.
            grouped: dict[str, list] = {}
            # A fresh clone: has_choice() runs on the form class's own field, whose queryset
            # would otherwise keep its first result from one generation to the next.
            for obj in self.queryset.all():
                grouped.setdefault(self.group_label(obj), []).append(
                    (self.prepare_value(obj), self.label_from_instance(obj))
                )
            groups = tuple((group, tuple(options)) for group, options in grouped.items())
            current = _PickerChoices(key, groups)
            with self._picker_lock:
                self._picker_choices[picker] = current
        return current


class CityField(CachedGroupedChoicesMixin, forms.ModelChoiceField):
    """Cities grouped by country; a forged id is refused by the queryset as usual."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("Choose a city"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a city."),
                "invalid_choice": _("We don't know that city: choose one from the list."),
            },
        )
        super().__init__(**kwargs)

    def default_queryset(self):
        return City.objects.with_place().order_by("country__name", "name")

    def group_label(self, city):
        return city.country.name

    def label_from_instance(self, city):
        return city.name


class PracticeAreaField(CachedGroupedChoicesMixin, forms.ModelChoiceField):
    """Practice areas (never groups) grouped under their group."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("Choose a practice area"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a practice area."),
                "invalid_choice": _("We don't know that practice area: choose one from the list."),
            },
        )
        super().__init__(**kwargs)

    def default_queryset(self):
        return (
            PracticeArea.objects.areas()
            .select_related("parent")
            .order_by("parent__position", "parent__name", "position", "name")
        )

    def group_label(self, area):
        return area.parent.name
