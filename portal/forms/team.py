"""Forms for onboarding (create or claim a firm), the team and the request settings.

Plain forms with every field declared: nothing here can set a firm, a listing flag, a
verification date or any derived field, whatever a POST adds (docs/reliability.md B3). Nothing here
writes either; directory.services.memberships does.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.forms import CityField, GroupedModelChoiceIterator
from directory.models import Membership, PracticeArea
from lawzana.forms import PhoneNumberField, SingleLineField, has_control_characters

CAPACITY_MIN = 1
CAPACITY_MAX = 200


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


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_("Owners can also invite and remove colleagues and change the request settings."),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RequestSettingsForm(forms.Form):
    """The firm's request settings, plus one checkbox per member ("recipient_<membership id>")
    for who receives request emails. Only the firm's own members get a box."""

    is_accepting_leads = forms.BooleanField(label=_("We accept new requests"), required=False)
    lead_capacity_per_week = forms.IntegerField(
        label=_("Requests per week"),
        min_value=CAPACITY_MIN,
        max_value=CAPACITY_MAX,
        help_text=_("At most this many new requests reach you in a week (1–200)."),
    )

    def __init__(self, *args, memberships, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for membership in self.memberships:
            self.fields[self.recipient_field_name(membership)] = forms.BooleanField(
                label=membership.user.email, required=False, initial=membership.receives_lead_emails
            )
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    @staticmethod
    def recipient_field_name(membership) -> str:
        return f"recipient_{membership.pk}"

    def settings_fields(self):
        return [self["is_accepting_leads"], self["lead_capacity_per_week"]]

    def recipient_fields(self):
        return [self[self.recipient_field_name(m)] for m in self.memberships]

    def recipient_ids(self) -> list[int]:
        return [m.pk for m in self.memberships if self.cleaned_data.get(self.recipient_field_name(m))]
