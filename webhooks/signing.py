"""The Lawzana-Signature header: what the receiver checks (webhooks/verify_example.py)."""

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    """t=<unix time>,v1=<hex> with one v1 per secret: during a roll the previous secret signs
    too, so a receiver that still has it keeps accepting deliveries."""
    return ",".join([f"t={timestamp}", *(f"v1={signature(s, timestamp, body)}" for s in secrets)])
