"""An email backend that answers like a struggling SMTP server, then delivers to mail.outbox."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Each test sets the answers it wants: a list of SMTP codes to raise before success.
FAILURES: list[int] = []


class FlakyBackend(LocmemBackend):
    def send_messages(self, messages):
        if FAILURES:
            code = FAILURES.pop(0)
            raise smtplib.SMTPResponseException(code, b"simulated answer")
        return super().send_messages(messages)
