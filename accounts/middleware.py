import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from lawzana.i18n import unprefixed

LAST_SEEN_KEY = "accounts.last_seen"
SIGNED_IN_AT_KEY = "accounts.signed_in_at"
# Touch the session at most this often, so browsing does not write the session on every request.
LAST_SEEN_RESOLUTION = 60


class SessionIdleTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_TIMEOUT_SECONDS without a request, and in any case
    SESSION_COOKIE_AGE after signing in (docs/reliability.md A8). The session's own expiry moves on
    with every save, so it cannot be the absolute limit. Anonymous sessions are left alone,
    so public pages stay free of Set-Cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            signed_in_at = request.session.setdefault(SIGNED_IN_AT_KEY, now)
            idle = last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            if idle or now - signed_in_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("You were signed out to keep your account safe. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Staff reach the admin only once they have a second factor (docs/reliability.md A7)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        user = request.user
        if (
            unprefixed(request.path_info).startswith(self.admin_prefix)
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user)
        ):
            messages.warning(request, _("Set up two-factor authentication to use the administration."))
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


class UserLanguageMiddleware:
    """Remember the language a signed-in person uses the site in (User.language), so that the
    emails sent to them later, by the worker too, are in it (lawzana/emails.py). Only pages
    whose URL carries a language count: the admin's or the sign-in page's language follows
    the URL as well, while a robots.txt fetched with another Accept-Language does not.
    One UPDATE when it changes, nothing otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if request.method != "GET" or not user.is_authenticated:
            return None
        language = translation.get_language()
        if language == user.language or language not in dict(settings.LANGUAGES):
            return None
        # A page under i18n_patterns has a twin in the other language; healthz and the like do not.
        other = next(code for code, _name in settings.LANGUAGES if code != language)
        if translate_url(request.path, other) == request.path:
            return None
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language
        return None
