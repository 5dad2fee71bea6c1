"""Joining the portal: create a firm, claim a listed one (or an unlisted one with the operators'
invitation), confirm an emailed claim link, accept a colleague's invitation. These pages belong
to no firm yet; like every firm page they need a signed-in user with a second factor
(portal.access.signed_in_with_mfa)."""

from django.conf import settings as conf
from django.contrib import messages
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from directory.models import Firm, FirmClaim, Membership, Office
from directory.services import memberships
from directory.services.memberships import LinkProblem, PortalError
from lawzana.forms import has_control_characters

from ..access import signed_in_with_mfa
from ..forms.onboarding import ClaimOperatorsForm, FirmCreateForm

CLAIM_SEARCH_MIN = 2
CLAIM_SEARCH_MAX_RESULTS = 20


# --- Creating a firm ----------------------------------------------------------------------


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def firm_create(request):
    form = FirmCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            firm = memberships.firm_create(
                user=request.user,
                name=data["name"],
                tagline=data["tagline"],
                city=data["city"],
                address=data["address"],
                practice_areas=data["practice_areas"],
                email=data["email"],
                phone=data["phone"],
                website=data["website"],
                tagline_language=get_language(),
            )
        except PortalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "%(firm)s is created. Our operators verify new firms before they are listed and receive "
                    "requests; meanwhile, complete the profile."
                )
                % {"firm": firm.name},
            )
            return redirect("portal:dashboard", firm_slug=firm.slug)
    at_limit = memberships.unlisted_firms_created(request.user) >= memberships.MAX_UNLISTED_FIRMS_PER_USER
    return render(
        request,
        "portal/onboarding/firm_create.html",
        {"form": form, "at_limit": at_limit, "limit": memberships.MAX_UNLISTED_FIRMS_PER_USER},
    )


# --- Claiming a listed firm, or an unlisted one with the operators' invitation ---------


@signed_in_with_mfa
@require_safe
def firm_claim_search(request):
    query = " ".join(request.GET.get("q", "").split())[:100]
    firms = None
    if has_control_characters(query):
        query = ""
    if len(query) >= CLAIM_SEARCH_MIN:
        owners = Membership.objects.filter(firm=OuterRef("pk"), role=Membership.Role.OWNER)
        main_city = Office.objects.filter(firm=OuterRef("pk")).order_by("-is_headquarters", "pk").values("city__name")
        firms = list(
            Firm.objects.listed()
            .filter(name__icontains=query)
            .annotate(
                has_owner=Exists(owners),
                is_mine=Exists(Membership.objects.filter(firm=OuterRef("pk"), user=request.user)),
                city_name=Subquery(main_city[:1]),
            )
            .only("pk", "name", "slug")
            .order_by("name", "pk")[:CLAIM_SEARCH_MAX_RESULTS]
        )
    return render(
        request,
        "portal/onboarding/firm_claim_search.html",
        {
            "query": query,
            "firms": firms,
            "too_short": bool(query) and len(query) < CLAIM_SEARCH_MIN,
            "min_length": CLAIM_SEARCH_MIN,
            "max_results": CLAIM_SEARCH_MAX_RESULTS,
        },
    )


def _claimable_firm(slug: str, invite: str) -> Firm:
    """A listed firm; an unlisted one only with its claim invitation (claim_invite_url), so
    that the portal never tells who guesses a slug that an unlisted firm exists."""
    firm = Firm.objects.filter(slug=slug).first()
    if firm is None or not (firm.is_listed or memberships.claim_invite_valid(firm, invite)):
        raise Http404("No listed firm with this address.")
    return firm


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def firm_claim(request, slug):
    # The link puts the invitation in the address; the forms carry it on in a hidden field.
    invite = request.POST.get("invite") or request.GET.get("invite", "")
    firm = _claimable_firm(slug, invite)
    membership = Membership.objects.filter(user=request.user, firm=firm).first()
    if membership is not None and membership.is_owner:
        messages.info(request, _("You already manage %(firm)s.") % {"firm": firm.name})
        return redirect("portal:dashboard", firm_slug=firm.slug)
    has_owner = memberships.firm_has_owner(firm)
    email_allowed = bool(firm.email) and not has_owner
    form = ClaimOperatorsForm()
    status = 200
    if request.method == "POST":
        method = request.POST.get("method")
        try:
            if method == FirmClaim.Method.EMAIL:
                # The service refuses a firm without an address or with an owner, with a message.
                memberships.firm_claim_by_email(user=request.user, firm=firm)
                messages.success(
                    request,
                    _(
                        "We sent a link to %(email)s. Open it within %(days)d days, signed in to this account, "
                        "to start managing %(firm)s."
                    )
                    % {
                        "email": memberships.mask_email(firm.email),
                        "days": conf.PORTAL_CLAIM_LINK_DAYS,
                        "firm": firm.name,
                    },
                )
                return redirect("portal:home")
            elif method == FirmClaim.Method.OPERATORS:
                form = ClaimOperatorsForm(request.POST)
                if form.is_valid():
                    memberships.firm_claim_by_operators(
                        user=request.user, firm=firm, message=form.cleaned_data["message"]
                    )
                    messages.success(
                        request,
                        _("Thank you. Our operators will check your claim and email you their decision."),
                    )
                    return redirect("portal:home")
            else:
                messages.error(request, _("Choose one of the ways below to show that you work at this firm."))
                status = 400
        except PortalError as exc:
            messages.error(request, str(exc))
    pending = FirmClaim.objects.filter(user=request.user, firm=firm, status=FirmClaim.Status.PENDING).first()
    return render(
        request,
        "portal/onboarding/firm_claim.html",
        {
            "firm": firm,
            "has_owner": has_owner,
            "email_allowed": email_allowed,
            "masked_email": memberships.mask_email(firm.email) if firm.email else "",
            "days": conf.PORTAL_CLAIM_LINK_DAYS,
            "form": form,
            "pending": pending,
            "invite": invite if not firm.is_listed else "",
        },
        status=status,
    )


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def claim_confirm(request, signed):
    try:
        if request.method == "POST":
            claim = memberships.firm_claim_confirm(signed=signed, user=request.user)
        else:
            claim = memberships.firm_claim_from_link(signed=signed, user=request.user)
    except LinkProblem as problem:
        return _link_problem(request, problem.reason, kind="claim")
    if request.method == "POST":
        if claim.firm.is_listed:
            message = _("You now manage %(firm)s on Lawzana.")
        else:
            # Claiming proves who manages the firm, not the firm itself: operators still verify
            # it before it is listed.
            message = _(
                "You now manage %(firm)s on Lawzana. Our operators verify the firm before it is listed and "
                "receives requests; meanwhile, complete the profile."
            )
        messages.success(request, message % {"firm": claim.firm.name})
        return redirect("portal:dashboard", firm_slug=claim.firm.slug)
    return render(request, "portal/onboarding/claim_confirm.html", {"claim": claim, "firm": claim.firm})


# --- Invitations, seen by the invited colleague ---------------------------------------------


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, signed):
    try:
        if request.method == "POST":
            membership = memberships.invitation_accept(signed=signed, user=request.user)
        else:
            invitation = memberships.invitation_from_link(signed=signed, user=request.user)
    except LinkProblem as problem:
        return _link_problem(request, problem.reason, kind="invitation")
    except PortalError as exc:
        messages.info(request, str(exc))
        return redirect("portal:home")
    if request.method == "POST":
        messages.success(request, _("Welcome to %(firm)s on Lawzana.") % {"firm": membership.firm.name})
        return redirect("portal:dashboard", firm_slug=membership.firm.slug)
    already = Membership.objects.filter(user=request.user, firm=invitation.firm).exists()
    return render(
        request,
        "portal/onboarding/invitation_accept.html",
        {"invitation": invitation, "firm": invitation.firm, "already_member": already},
    )


LINK_PROBLEM_STATUS = {
    LinkProblem.INVALID: 400,
    LinkProblem.EXPIRED: 410,
    LinkProblem.USED: 410,
    LinkProblem.REVOKED: 410,
    LinkProblem.DECIDED: 410,
    LinkProblem.OTHER_USER: 403,
    LinkProblem.MANAGED: 409,
}


def _link_problem(request, reason: str, *, kind: str):
    """A clear page for a link that cannot be used; nothing has changed."""
    return render(
        request,
        "portal/onboarding/link_problem.html",
        {"reason": reason, "kind": kind, "days": conf.PORTAL_CLAIM_LINK_DAYS},
        status=LINK_PROBLEM_STATUS[reason],
    )
