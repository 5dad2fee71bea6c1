"""The API's only way in: `Authorization: Bearer lzk_...`. No session, no cookie: a signed-in
portal user's browser cannot be made to call the API (no CSRF to worry about), and a token
always acts for its firm alone, whoever created it and whatever became of them since.

Limits (django-ratelimit, in the shared "ratelimit" cache so that every process counts the same
calls): API_RATE_LIMIT calls per token, and API_AUTH_FAILURE_LIMIT refused sign-ins per client
address, checked before the token is even looked up."""

import logging

from django.conf import settings
from django_ratelimit import core as ratelimit
from ninja.security import HttpBearer

from lawzana.security import client_ip

from . import tokens

logger = logging.getLogger("lawzana.api")

TOKEN_GROUP = "api:token"
FAILURE_GROUP = "api:auth-failure"


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)
        super().__init__(self.retry_after)


def _usage(request, *, group, key, rate, increment):
    try:
        return ratelimit.get_usage(request, group=group, key=lambda _g, _r: key, rate=rate, increment=increment)
    except Exception:  # the cache is down: serve without the limit, as the rest of the site does
        logger.exception("Rate limit unavailable for the API; this call is not counted.")
        return None


def _check(usage):
    if usage is not None and usage["should_limit"]:
        raise RateLimited(usage["time_left"])


class TokenAuth(HttpBearer):
    def __call__(self, request):
        ip = client_ip(request)
        _check(_usage(request, group=FAILURE_GROUP, key=ip, rate=settings.API_AUTH_FAILURE_LIMIT, increment=False))
        api_token = super().__call__(request)
        if api_token is None:
            _check(_usage(request, group=FAILURE_GROUP, key=ip, rate=settings.API_AUTH_FAILURE_LIMIT, increment=True))
            return None
        _check(_usage(request, group=TOKEN_GROUP, key=str(api_token.pk), rate=settings.API_RATE_LIMIT, increment=True))
        return api_token

    def authenticate(self, request, token):
        return tokens.token_check(token.strip())
