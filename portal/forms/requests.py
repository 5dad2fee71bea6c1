"""The firm's three answers to a request. Plain forms: they set nothing on a model
themselves; the views pass their cleaned data to intake/services/answers.py."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import ServiceFee
from intake.models import Match
from intake.services import answers


class AcceptForm(forms.Form):
    message = forms.CharField(
        label=_("Your message to the client"),
        min_length=answers.MESSAGE_MIN_LENGTH,
        max_length=answers.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "20 to 2,000 characters. The client sees it with your firm's name and contact details, "
            "and then decides whether to give you their name, email and phone."
        ),
    )
    fee_model = forms.ChoiceField(
        label=_("Fee model"), choices=[("", _("No quote")), *ServiceFee.Model.choices], required=False
    )
    amount_min = forms.DecimalField(
        label=_("Amount (or “from”, for a range)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    amount_max = forms.DecimalField(
        label=_("Up to (for a range)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("", "—"), *ServiceFee.Currency.choices], required=False
    )
    covers = forms.CharField(
        label=_("What the quote covers"),
        max_length=300,
        required=False,
        help_text=_("E.g. “A first consultation and a written opinion”."),
    )

    QUOTE_FIELDS = ("fee_model", "amount_min", "amount_max", "currency", "covers")

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in self.QUOTE_FIELDS):
            return cleaned
        errors = answers.quote_errors(
            fee_model=cleaned.get("fee_model", ""),
            amount_min=cleaned.get("amount_min"),
            amount_max=cleaned.get("amount_max"),
            currency=cleaned.get("currency", ""),
            covers=cleaned.get("covers", ""),
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned

    def quote_fields(self):
        return [self[name] for name in self.QUOTE_FIELDS]

    @property
    def quote(self) -> dict | None:
        """The cleaned quote for answers.match_accept, or None when none was given."""
        if not self.cleaned_data.get("fee_model"):
            return None
        return {name: self.cleaned_data.get(name) for name in self.QUOTE_FIELDS}


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you declining?"), choices=Match.DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=answers.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For Lawzana only; the client is not shown your reason or note."),
    )


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you returning it?"), choices=Match.ReturnReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=answers.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For Lawzana's operators, who review returned requests."),
    )
