"""The conflict list's form (issue 23): a name, hashed at once and never stored, and a label
the firm keeps to know which client the entry is for."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.conflicts import normalise
from lawzana.forms import has_control_characters


class ConflictEntryForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the person or company"),
        max_length=200,
        help_text=_(
            "As it is usually written. Enter the Chinese and the Latin spelling as two separate names: "
            "we do not translate between them. Company forms (Co., Ltd., 有限公司…), spaces, punctuation "
            "and upper or lower case do not matter."
        ),
        # Browsers must not offer clients' names back on a shared computer.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=80,
        help_text=_(
            "Your own reference, not the name: e.g. “Client 2024-031”. Lawzana keeps only a fingerprint of "
            "the name; write down which client this is in the label."
        ),
    )

    def clean_name(self):
        name = self.cleaned_data["name"]
        if has_control_characters(name):
            raise ValidationError(_("The name contains control characters; please remove them."))
        if not normalise(name):
            raise ValidationError(_("Enter the name itself, not only a company form such as “Co., Ltd.”."))
        return name

    def clean(self):
        cleaned = super().clean()
        name, label = cleaned.get("name"), cleaned.get("label")
        # The label is shown to every member and stored in clear: it must not carry the name.
        if name and label and normalise(label) and normalise(label) == normalise(name):
            self.add_error("label", _("The label must not be the name: use your own reference for this client."))
        return cleaned
