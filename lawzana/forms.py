"""Form fields every app's forms share: a phone number, one line of plain text."""

import unicodedata

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def has_control_characters(value: str, *, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether value holds a control character (NUL, escape, a line break...) not in allowed.
    PostgreSQL cannot store NUL, and names end up in email subjects, where a line break is a
    header injection; people type none of them, scripts and broken copy-paste do."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def refuse_line_breaks(value: str) -> None:
    """For a value shown on one line (a name, a title, an address): pasted line breaks are
    refused rather than kept, since they would end up in page titles and email subjects."""
    if "\n" in value or "\r" in value:
        raise ValidationError(_("Use one line of plain text."), code="control")


class SingleLineField(forms.CharField):
    """A name, an address: one line of plain text."""

    default_error_messages = {"control": _("Use one line of plain text.")}

    def validate(self, value):
        super().validate(value)
        if value and has_control_characters(value):
            raise ValidationError(self.error_messages["control"], code="control")


class PhoneNumberField(forms.CharField):
    """A phone number, cleaned to E.164 (+8613812345678); "" when left empty. A number typed
    without a country code is read as one of settings.PHONE_DEFAULT_REGION."""

    default_error_messages = {"invalid": _("Enter a valid phone number, e.g. +86 138 1234 5678")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)
        # Too long or holding NUL is an invalid number like any other, said the same way.
        self.error_messages["max_length"] = self.error_messages["invalid"]
        self.error_messages["null_characters_not_allowed"] = self.error_messages["invalid"]

    def clean(self, value):
        raw = super().clean(value)
        if not raw:
            return ""
        invalid = ValidationError(self.error_messages["invalid"], code="invalid")
        if has_control_characters(raw):
            raise invalid
        try:
            number = phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            raise invalid from None
        if not phonenumbers.is_valid_number(number):
            raise invalid
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
