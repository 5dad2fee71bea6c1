"""Checking a Lawzana webhook, as a firm's receiver would: the example in the README
("Webhooks"), kept here so that the test suite's receiver runs this very code."""

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 5 * 60


def verify(raw_body: bytes, signature_header: str, secret: str, now: float | None = None) -> bool:
    """True if the Lawzana-Signature header signs this exact body with this secret, and was
    made within the last 5 minutes (an older one may be a replay)."""
    try:
        fields = [item.split("=", 1) for item in signature_header.split(",")]
        timestamp = int(next(value for key, value in fields if key.strip() == "t"))
        candidates = [value.strip() for key, value in fields if key.strip() == "v1"]
    except (ValueError, StopIteration):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    signed = f"{timestamp}.".encode() + raw_body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
