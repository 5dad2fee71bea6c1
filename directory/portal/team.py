"""Joining the portal and working as a team: create a firm, claim a listed one, invite and
manage colleagues, and the firm's request settings.

The onboarding pages (create, claim, confirm a claim, accept an invitation) belong to no firm
yet: they need a signed-in user with a second factor, like every firm page. The team and
settings pages are firm-scoped through portal_view.
"""

from functools import wraps
from urllib.parse import quote

from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.models import Firm, FirmClaim, Invitation, Membership, Office
from directory.services import memberships as services
from directory.services.memberships import LinkProblem, PortalError

from .access import mfa_missing, portal_view
from .team_forms import (
    ClaimOperatorsForm,
    FirmCreateForm,
    InvitationForm,
    MemberRoleForm,
    RequestSettingsForm,
    has_control_characters,
)

# First path segments of the portal's own pages: a firm slug equal to one of them would be
# shadowed by the page (or shadow it), so firm_create never gives one out.
RESERVED_SLUGS = frozenset({"new", "claim", "invitations", "two-factor"})
CLAIM_SEARCH_MIN = 2
CLAIM_SEARCH_MAX_RESULTS = 20


def signed_in_with_mfa(view):
    """For portal pages outside any firm: signed in (else to sign-in) with a second factor
    (else to set one up, coming back afterwards)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if mfa_missing(request.user):
            return redirect(f"{reverse('portal:mfa_required')}?next={quote(request.path)}")
        return view(request, *args, **kwargs)

    return wrapper


# --- Creating a firm ----------------------------------------------------------------------


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def firm_create(request):
    form = FirmCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            firm = services.firm_create(
                user=request.user,
                name=data["name"],
                tagline=data["tagline"],
                city=data["city"],
                address=data["address"],
                practice_areas=data["practice_areas"],
                email=data["email"],
                phone=data["phone"],
                website=data["website"],
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
    at_limit = services.unlisted_firms_owned(request.user) >= services.MAX_UNLISTED_FIRMS_PER_USER
    return render(
        request,
        "portal/onboarding/firm_create.html",
        {"form": form, "at_limit": at_limit, "limit": services.MAX_UNLISTED_FIRMS_PER_USER},
    )


# --- Claiming a listed firm -----------------------------------------------------------------


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


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def firm_claim(request, slug):
    firm = get_object_or_404(Firm.objects.listed(), slug=slug)
    membership = Membership.objects.filter(user=request.user, firm=firm).first()
    if membership is not None and membership.is_owner:
        messages.info(request, _("You already manage %(firm)s.") % {"firm": firm.name})
        return redirect("portal:dashboard", firm_slug=firm.slug)
    has_owner = services.firm_has_owner(firm)
    email_allowed = bool(firm.email) and not has_owner
    form = ClaimOperatorsForm()
    status = 200
    if request.method == "POST":
        method = request.POST.get("method")
        try:
            if method == FirmClaim.Method.EMAIL:
                # The service refuses a firm without an address or with an owner, with a message.
                services.firm_claim_by_email(user=request.user, firm=firm)
                messages.success(
                    request,
                    _(
                        "We sent a link to %(email)s. Open it within %(days)d days, signed in to this account, "
                        "to start managing %(firm)s."
                    )
                    % {
                        "email": services.mask_email(firm.email),
                        "days": conf.PORTAL_CLAIM_LINK_DAYS,
                        "firm": firm.name,
                    },
                )
                return redirect("portal:home")
            elif method == FirmClaim.Method.OPERATORS:
                form = ClaimOperatorsForm(request.POST)
                if form.is_valid():
                    services.firm_claim_by_operators(
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
            "masked_email": services.mask_email(firm.email) if firm.email else "",
            "days": conf.PORTAL_CLAIM_LINK_DAYS,
            "form": form,
            "pending": pending,
        },
        status=status,
    )


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def claim_confirm(request, signed):
    try:
        if request.method == "POST":
            claim = services.firm_claim_confirm(signed=signed, user=request.user)
        else:
            claim = services.firm_claim_from_link(signed=signed, user=request.user)
    except LinkProblem as problem:
        return _link_problem(request, problem.reason, kind="claim")
    if request.method == "POST":
        messages.success(request, _("You now manage %(firm)s on Lawzana.") % {"firm": claim.firm.name})
        return redirect("portal:dashboard", firm_slug=claim.firm.slug)
    return render(request, "portal/onboarding/claim_confirm.html", {"claim": claim, "firm": claim.firm})


# --- Invitations, seen by the invited colleague ---------------------------------------------


@signed_in_with_mfa
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, signed):
    try:
        if request.method == "POST":
            membership = services.invitation_accept(signed=signed, user=request.user)
        else:
            invitation = services.invitation_from_link(signed=signed, user=request.user)
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


# --- The team ---------------------------------------------------------------------------------


def _team_page(request, *, invite_form=None):
    firm = request.firm
    is_owner = request.membership.is_owner
    memberships = Membership.objects.filter(firm=firm).select_related("user").order_by("user__email", "pk")
    rows = [
        {
            "membership": m,
            "is_me": m.pk == request.membership.pk,
            "role_form": MemberRoleForm(initial={"role": m.role}, auto_id=f"member-{m.pk}-%s") if is_owner else None,
        }
        for m in memberships
    ]
    invitations = list(services.open_invitations(firm).order_by("-created_at"))
    return render(
        request,
        "portal/team/team.html",
        {
            "section": "team",
            "rows": rows,
            "invitations": invitations,
            "is_owner": is_owner,
            "invite_form": (invite_form or InvitationForm()) if is_owner else None,
            "days": conf.PORTAL_INVITATION_DAYS,
        },
    )


@portal_view
@require_safe
def team(request):
    return _team_page(request)


@portal_view(owner_only=True)
@require_POST
def team_invite(request):
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _team_page(request, invite_form=form)
    email = form.cleaned_data["email"]
    try:
        services.invitation_create(
            firm=request.firm, email=email, role=form.cleaned_data["role"], invited_by=request.user
        )
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("We emailed an invitation to %(email)s. The link works for %(days)d days.")
            % {"email": email, "days": conf.PORTAL_INVITATION_DAYS},
        )
    return redirect("portal:team", firm_slug=request.firm.slug)


@portal_view(owner_only=True)
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, firm=request.firm)
    if services.invitation_revoke(invitation=invitation):
        messages.success(request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email})
    else:
        messages.error(request, _("That invitation was already accepted or revoked."))
    return redirect("portal:team", firm_slug=request.firm.slug)


@portal_view(owner_only=True)
@require_POST
def member_update(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user", "firm"), pk=pk, firm=request.firm)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            membership = services.member_set_role(membership=membership, role=form.cleaned_data["role"])
        except PortalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(email)s is now: %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
    return redirect("portal:team", firm_slug=request.firm.slug)


@portal_view
@require_POST
def member_remove(request, pk):
    """Owners remove colleagues; anyone may leave. The last owner stays."""
    membership = get_object_or_404(Membership.objects.select_related("user", "firm"), pk=pk, firm=request.firm)
    leaving = membership.pk == request.membership.pk
    if not leaving and not request.membership.is_owner:
        raise PermissionDenied("Only the firm's owners can remove colleagues.")
    try:
        services.member_remove(membership=membership)
    except PortalError as exc:
        messages.error(request, str(exc))
        return redirect("portal:team", firm_slug=request.firm.slug)
    if leaving:
        messages.success(request, _("You left %(firm)s.") % {"firm": request.firm.name})
        return redirect("portal:home")
    messages.success(request, _("%(email)s is no longer a member.") % {"email": membership.user.email})
    return redirect("portal:team", firm_slug=request.firm.slug)


# --- Request settings -------------------------------------------------------------------------


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def request_settings(request):
    """Members see the settings; only owners change them."""
    is_owner = request.membership.is_owner
    if request.method == "POST" and not is_owner:
        raise PermissionDenied("Only the firm's owners can change the request settings.")
    firm = request.firm
    memberships = list(Membership.objects.filter(firm=firm).select_related("user").order_by("user__email", "pk"))
    form = RequestSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"is_accepting_leads": firm.is_accepting_leads, "lead_capacity_per_week": firm.lead_capacity_per_week},
        memberships=memberships,
        disabled=not is_owner,
    )
    if request.method == "POST" and form.is_valid():
        services.firm_request_settings_update(
            firm=firm,
            is_accepting_leads=form.cleaned_data["is_accepting_leads"],
            lead_capacity_per_week=form.cleaned_data["lead_capacity_per_week"],
            recipient_ids=form.recipient_ids(),
        )
        messages.success(request, _("Request settings saved."))
        return redirect("portal:settings", firm_slug=firm.slug)
    return render(
        request,
        "portal/team/settings.html",
        {
            "section": "settings",
            "form": form,
            "is_owner": is_owner,
            "nobody_receives": not any(m.receives_lead_emails for m in memberships),
        },
    )


urlpatterns = [
    # Fixed words first (see RESERVED_SLUGS).
    path("new/", firm_create, name="firm_create"),
    path("claim/", firm_claim_search, name="firm_claim_search"),
    path("claim/confirm/<str:signed>/", claim_confirm, name="claim_confirm"),
    path("claim/<slug:slug>/", firm_claim, name="firm_claim"),
    path("invitations/<str:signed>/", invitation_accept, name="invitation_accept"),
    path("<slug:firm_slug>/team/", team, name="team"),
    path("<slug:firm_slug>/team/invite/", team_invite, name="team_invite"),
    path("<slug:firm_slug>/team/invitations/<int:pk>/revoke/", invitation_revoke, name="invitation_revoke"),
    path("<slug:firm_slug>/team/members/<int:pk>/", member_update, name="member_update"),
    path("<slug:firm_slug>/team/members/<int:pk>/remove/", member_remove, name="member_remove"),
    path("<slug:firm_slug>/settings/", request_settings, name="settings"),
]
