"""allauth's two-factor forms (settings.MFA_FORMS), with errors that say what happened and what
to do: allauth says "Incorrect code." for a code already used, and "Try again later." after too
many wrong ones, without saying when."""

import math
import time

from allauth.core import context
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# allauth.mfa.base.internal.flows.check_rate_limit counts every code typed under allauth's
# "login_failed" rate (settings.ACCOUNT_RATE_LIMITS), per address and per this key, in the cache
# of rate limits (accounts/apps.py).
RATE_APP, RATE_ACTION = "allauth.account", "login_failed"
LOCKED_OUT = {"too_many_login_attempts", "rate_limited"}


def lockout_seconds(request, user) -> float:
    """How long until allauth takes another code from `user` at this address: the wait of the
    strictest of the rates it has used up (0 when none is)."""
    now, wait = time.time(), 0.0
    for rate in get_rates(app=RATE_APP, action=RATE_ACTION):
        cache_key = get_cache_key(request, app=RATE_APP, action=RATE_ACTION, rate=rate, key=f"mfa-auth-user-{user.pk}")
        # Newest first, as allauth keeps them: the attempt that must age out is the amount-th.
        recent = [at for at in caches["ratelimit"].get(cache_key, []) if at > now - rate.duration]
        if len(recent) >= rate.amount:
            wait = max(wait, recent[rate.amount - 1] + rate.duration - now)
    return wait


def lockout_error(user) -> ValidationError:
    minutes = max(1, math.ceil(lockout_seconds(context.request, user) / 60))
    message = ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return ValidationError(message, code="too_many_codes")


class CodeErrorsMixin:
    """For the forms that take the code of the user's authenticator app."""

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code in LOCKED_OUT:
                raise lockout_error(self.user) from error
            if error.code == "incorrect_code" and self._code_already_used(self.cleaned_data.get("code", "")):
                raise ValidationError(
                    _("This code was already used. Wait for your app to show a new one."), code="code_reused"
                ) from error
            raise

    def _code_already_used(self, code: str) -> bool:
        # allauth's TOTP.validate_code refuses a right code it has marked used; a right code that
        # was refused is therefore one used already (in this period or the ones it tolerates).
        return any(
            validate_totp_code(decrypt(totp.data["secret"]), code)
            for totp in Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP)
        )


class AuthenticateForm(CodeErrorsMixin, AllauthAuthenticateForm):
    """The second step of signing in."""


class ReauthenticateForm(CodeErrorsMixin, AllauthReauthenticateForm):
    """Confirming who one is before a sensitive change."""


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """Setting up the authenticator app: its codes are not marked used, only counted."""

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code in LOCKED_OUT:
                raise lockout_error(self.user) from error
            raise
