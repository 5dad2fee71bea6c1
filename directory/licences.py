"""Firms' licence numbers. A Chinese law firm's is its unified social credit code
(统一社会信用代码, GB 32100-2015): 18 characters from a 31-character alphabet (digits and
capitals without I, O, Z, S, V), the last one a check character computed from the other 17.
Other countries' numbers are kept as written, within a plain format: they are looked up to
find the same firm twice (directory.importing) and shown on the profile."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18
LICENCE_MAX_LENGTH = 40

_GENERIC = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]*$")


def normalise_licence(value: str) -> str:
    """Upper case, without spaces (also the full-width ones that Chinese input methods type),
    and with full-width digits and letters made plain: the form a number is stored and
    compared in."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).upper()


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Refuse anything that is not a well-formed unified social credit code, saying what is wrong."""
    if len(value) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; “%(value)s” has %(count)d."),
            code="uscc_length",
            params={"value": value, "count": len(value)},
        )
    wrong = sorted({char for char in value if char not in USCC_ALPHABET})
    if wrong:
        raise ValidationError(
            _(
                "A unified social credit code has only digits and the capitals without I, O, Z, S and V; "
                "“%(value)s” has %(chars)s."
            ),
            code="uscc_characters",
            params={"value": value, "chars": " ".join(wrong)},
        )
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid unified social credit code: its last character should be "
                "%(expected)s. Check for a mistyped character."
            ),
            code="uscc_check",
            params={"value": value, "expected": expected},
        )


def validate_licence_format(value: str) -> None:
    """The format every licence number keeps, whatever its country."""
    if value and not _GENERIC.match(value):
        raise ValidationError(
            _("A licence number has only letters, digits and the characters / . -"),
            code="licence_format",
        )


def validate_licence_for_country(value: str, country_code: str | None) -> None:
    """A Chinese firm's number must be its unified social credit code; elsewhere the plain
    format is enough. `value` is normalised (normalise_licence)."""
    if not value:
        return
    validate_licence_format(value)
    if (country_code or "").upper() == "CN":
        validate_uscc(value)
