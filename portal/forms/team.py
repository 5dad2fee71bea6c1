"""Forms for the team and the request settings.

Plain forms with every field declared: nothing here can set a firm, a role beyond the
choices, or any other field, whatever a POST adds (docs/reliability.md B3). Nothing here
writes either; directory.services.memberships does.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Membership

CAPACITY_MIN = 1
CAPACITY_MAX = 200


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
