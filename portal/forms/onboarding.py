"""Forms for joining the portal: create a firm, or ask operators to let you manage a listed one.

Plain forms with every field declared: nothing here can set a listing flag, a verification
date or any derived field, whatever a POST adds (docs/reliability.md B3). Nothing here writes
either; directory.services.memberships does.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.forms import CityField, GroupedModelChoiceIterator
from directory.models import PracticeArea
from lawzana.forms import PhoneNumberField, SingleLineField, has_control_characters


class PracticeAreasField(forms.ModelMultipleChoiceField):
    """Practice areas (never groups), grouped under their group."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "queryset",
            PracticeArea.objects.areas()
            .select_related("parent")
            .order_by("parent__position", "parent__name", "position", "name"),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose at least one practice area."),
                "invalid_choice": _("We don't know that practice area: choose one from the list."),
                "invalid_pk_value": _("We don't know that practice area: choose one from the list."),
            },
        )
        super().__init__(**kwargs)

    def group_label(self, area):
        return area.parent.name


class FirmCreateForm(forms.Form):
    name = SingleLineField(label=_("Name of the firm"), max_length=200)
    tagline = SingleLineField(
        label=_("Tagline"),
        max_length=200,
        required=False,
        help_text=_("One line under the name, e.g. “Data protection and technology law in Harbin”."),
    )
    city = CityField(label=_("City of the main office"))
    address = SingleLineField(label=_("Street address of the main office"), max_length=300)
    practice_areas = PracticeAreasField(
        label=_("Practice areas"),
        help_text=_("Hold Ctrl (or ⌘ on a Mac) to choose more than one."),
    )
    email = forms.EmailField(
        label=_("Email address of the firm"),
        help_text=_("Shown on the profile; requests go here when no member is chosen to receive them."),
    )
    phone = PhoneNumberField(label=_("Phone"), required=False)
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")


class ClaimOperatorsForm(forms.Form):
    message = forms.CharField(
        label=_("Message to Lawzana's operators"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Who you are at the firm and how we can check it: your role, a phone number at the firm, "
            "your lawyer's licence number."
        ),
        error_messages={"required": _("Tell the operators who you are and how to check it.")},
    )

    def clean_message(self):
        message = self.cleaned_data["message"]
        if has_control_characters(message, allowed=frozenset("\n\r\t")):
            raise ValidationError(_("Use plain text."), code="control")
        return message
