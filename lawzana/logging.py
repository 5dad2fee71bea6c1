"""Structured logs without secrets or personal data (docs/reliability.md P9).

JsonFormatter writes one JSON object per line. RedactFilter runs on every handler and blanks
what must never reach a log: email addresses, phone numbers, and the secret parts of URLs
(a client's request token, signed links, password-reset and confirmation keys)."""

import json
import logging
import re

PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    # International numbers (+86 138 1234 5678) and bare Chinese mobile numbers; dates and ids
    # (2026-11-29, #1234) stay readable.
    (re.compile(r"\+\d[\d\s().-]{7,}\d"), "[number]"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[number]"),
    # /requests/<token>/, /requests/confirm/<signed>/, /reviews/write/<signed>/,
    # /portal/claim/confirm/<signed>/, /portal/invitations/<signed>/
    (re.compile(r"(/requests/(?:confirm/)?)(?!new/|sent/)[^/\s?]{16,}"), r"\1[secret]"),
    (re.compile(r"(/(?:reviews/write|portal/claim/confirm|portal/invitations)/)[^/\s?]+"), r"\1[secret]"),
    (re.compile(r"(/accounts/(?:confirm-email|password/reset/key)/)[^/\s?]+"), r"\1[secret]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        return True


class RedactingFormatter(logging.Formatter):
    """The plain format, redacted as a whole: the message and the traceback after it."""

    def format(self, record):
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
