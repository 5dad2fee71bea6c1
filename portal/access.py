"""Who may do what in the firm portal. Every firm-scoped portal view goes through
`portal_view`, which finds the firm among the signed-in user's own memberships: another
firm's slug, or any object of another firm, is a 404, never a 403 (docs/reliability.md A3)."""

import logging
from functools import wraps
from urllib.parse import quote

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from directory.models import Membership

logger = logging.getLogger("lawzana.authz")


def authz_denied(request, what: str) -> Http404:
    """Log a refused cross-firm access (no personal data) and return the 404 to raise."""
    logger.warning("authz_denied user=%s path=%s what=%s", getattr(request.user, "pk", None), request.path, what)
    return Http404(what)


def mfa_missing(user) -> bool:
    return not is_mfa_enabled(user)


def portal_view(view=None, *, owner_only: bool = False, mfa: bool = True):
    """Decorate a view taking `firm_slug`. Sets request.membership and request.firm.

    Signed out: sent to sign in. No second factor yet (mfa=True): sent to set one up, since
    firm users see requests only with two factors (docs/reliability.md A9). Not a member of that
    firm: 404. A member without the owner role on an owner-only view: 403.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, firm_slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if mfa and mfa_missing(request.user):
                return _to_mfa_setup(request)
            membership = (
                Membership.objects.select_related("firm").filter(user=request.user, firm__slug=firm_slug).first()
            )
            if membership is None:
                raise authz_denied(request, "firm")
            if owner_only and not membership.is_owner:
                raise PermissionDenied("Only the firm's owners can do this.")
            request.membership = membership
            request.firm = membership.firm
            return view_func(request, *args, **kwargs)

        wrapper.portal_owner_only = owner_only
        return wrapper

    if view is not None:
        return decorator(view)
    return decorator


def _to_mfa_setup(request):
    """To the page that explains the second factor, coming back here once it is set up. With
    the query string: a firm's claim invitation (?invite=) is what opens an unlisted firm."""
    return redirect(f"{reverse('portal:mfa_required')}?next={quote(request.get_full_path())}")


def signed_in_with_mfa(view):
    """For portal pages outside any firm: signed in (else to sign-in) with a second factor
    (else to set one up, coming back afterwards)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if mfa_missing(request.user):
            return _to_mfa_setup(request)
        return view(request, *args, **kwargs)

    return wrapper
