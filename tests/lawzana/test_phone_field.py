"""One phone field for the request form, a new firm and the firm's profile: the same number
is cleaned the same way everywhere, and a wrong one gets the same message."""

import pytest

from intake.forms import ContactForm
from portal.forms.onboarding import FirmCreateForm
from portal.forms.profile import OfficeForm

pytestmark = pytest.mark.django_db

INVALID = "Enter a valid phone number, e.g. +86 138 1234 5678"


def phone_of(form_class, raw, **kwargs):
    form = form_class(data={"phone": raw}, **kwargs)
    form.is_valid()
    return form.cleaned_data.get("phone"), form.errors.get("phone")


@pytest.fixture(params=["request form", "new firm", "office"])
def form(request, db):
    from tests.factories import FirmFactory

    if request.param == "request form":
        return lambda raw: phone_of(ContactForm, raw)
    if request.param == "new firm":
        return lambda raw: phone_of(FirmCreateForm, raw)
    firm = FirmFactory()
    return lambda raw: phone_of(OfficeForm, raw, firm=firm)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("138 1234 5678", "+8613812345678"),  # no country code: a Chinese number
        ("+86 451 8888 0000", "+8645188880000"),
        ("0451 8888 0000", "+8645188880000"),
        ("+49 30 12345678", "+493012345678"),
        ("", ""),
    ],
)
def test_a_number_is_kept_in_international_form(form, raw, cleaned):
    assert form(raw) == (cleaned, None)


@pytest.mark.parametrize("raw", ["12345", "call me maybe", "+86 138 1234 5678\x00", "1" * 50, "138\n1234 5678"])
def test_a_wrong_number_gets_one_clear_message(form, raw):
    assert form(raw) == (None, [INVALID])
