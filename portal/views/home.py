import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from directory.models import FirmClaim, Membership

from ..access import mfa_missing


@require_safe
@login_required
def home(request):
    """Where sign-in lands: the one firm's dashboard, a choice of firms, or how to start."""
    memberships = list(Membership.objects.filter(user=request.user).select_related("firm").order_by("firm__name"))
    if len(memberships) == 1:
        return redirect("portal:dashboard", firm_slug=memberships[0].firm.slug)
    claims = FirmClaim.objects.filter(user=request.user, status=FirmClaim.Status.PENDING).select_related("firm")
    return render(
        request,
        "portal/home.html",
        {"memberships": memberships, "pending_claims": list(claims), "mfa_missing": mfa_missing(request.user)},
    )


@require_safe
@login_required
def mfa_required(request):
    """Explains why a second factor is needed before the firm's pages open."""
    target = _safe_next(request)
    if not mfa_missing(request.user):
        return HttpResponseRedirect(target or reverse("portal:home"))
    return render(request, "portal/mfa_required.html", {"next": target})


def _safe_next(request) -> str:
    """The ?next= address if it is a path on this site; "" for anything else (another site, a
    scheme, control characters, a view's name)."""
    target = request.GET.get("next", "")
    if not _SITE_PATH.fullmatch(target):
        return ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


_SITE_PATH = re.compile(r"/(?![/\\])[^\x00-\x20\\]{0,2000}")
