from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
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
    if not mfa_missing(request.user):
        return redirect(request.GET.get("next") if _safe_next(request) else "portal:home")
    return render(request, "portal/mfa_required.html", {"next": request.GET.get("next", "")})


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
