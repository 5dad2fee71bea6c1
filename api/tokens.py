"""Creating, revoking and checking a firm's API tokens.

A token reads `lzk_<prefix>_<secret>`: the fixed start lets secret scanners (and people) know a
leaked one for what it is, the prefix says which of the firm's tokens it is. It is checked by
looking up its SHA-256 hash, never by comparing strings: the secret is 256 random bits, so a
fast unsalted hash is enough, and the lookup gives an attacker no timing to learn from."""

import hashlib
import secrets
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Firm

from .models import ApiToken

TOKEN_START = "lzk"
MAX_ACTIVE_TOKENS = 10
# last_used_at is for people ("is this token still in use?"): a write per request would cost
# more than the read it serves, so it is refreshed at most this often.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(Exception):
    """Why a token cannot be created; the message is shown to the firm's owner."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    parts = token.split("_", 2)
    return len(parts) == 3 and parts[0] == TOKEN_START and len(parts[1]) == 8 and 32 <= len(parts[2]) <= 64


@transaction.atomic
def token_create(*, firm: Firm, name: str, user) -> tuple[ApiToken, str]:
    """A new token for the firm, and the token itself: shown once, then only its prefix."""
    # Holding the firm's row makes two owners' simultaneous clicks count each other.
    Firm.objects.select_for_update().filter(pk=firm.pk).first()
    if ApiToken.objects.active().filter(firm=firm).count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("Your firm already has %(count)d active tokens. Revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_START}_{prefix}_{secrets.token_urlsafe(32)}"
    api_token = ApiToken.objects.create(
        firm=firm, name=name.strip(), prefix=prefix, token_hash=token_hash(token), created_by=user
    )
    return api_token, token


def token_revoke(*, api_token: ApiToken) -> bool:
    """Revoke the token at once (the next call with it is refused). False if it already was."""
    return bool(ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def token_check(token: str) -> ApiToken | None:
    """The active token (its firm loaded) that this is, or None."""
    if not looks_like_token(token):
        return None
    # From the primary, never a replica that may lag: a revoked token must stop at once.
    api_token = (
        ApiToken.objects.using(DEFAULT_DB_ALIAS)
        .select_related("firm")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        api_token.last_used_at = now
    return api_token
