"""Forms of the Integrations page (issue 22). Only a name: the firm is the URL's, the token
the server's (docs/reliability.md B3)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What uses it, so that you know which one to revoke: “Our CRM”, “Intake spreadsheet”."),
    )
