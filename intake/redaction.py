"""What a firm reads of a request before it accepts: the description with contact details hidden."""

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")

_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)

SUMMARY_LENGTH = 400


def redact_contacts(text: str) -> str:
    """The text with anything that looks like an email address, phone number or link hidden
    (clients do type their phone number into descriptions)."""
    hidden = _URL.sub("[link hidden]", text)
    hidden = _EMAIL.sub("[email hidden]", hidden)
    return _PHONE.sub("[number hidden]", hidden)


def redacted_summary(text: str) -> str:
    """The description as a firm sees it before accepting: shortened, contact details hidden."""
    hidden = redact_contacts(text)
    return hidden if len(hidden) <= SUMMARY_LENGTH else hidden[: SUMMARY_LENGTH - 1].rstrip() + "…"
