"""The firm's team and request settings: owners invite colleagues, set roles and remove
members (never the last owner); members see the settings, owners change them."""

from django.conf import settings as conf
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.models import Invitation, Membership
from directory.services import memberships
from directory.services.memberships import PortalError

from ..access import portal_view
from ..forms.team import (
    InvitationForm,
    MemberRoleForm,
    RequestSettingsForm,
)

# --- The team ---------------------------------------------------------------------------------


def _team_page(request, *, invite_form=None):
    firm = request.firm
    is_owner = request.membership.is_owner
    members = Membership.objects.filter(firm=firm).select_related("user").order_by("user__email", "pk")
    rows = [
        {
            "membership": m,
            "is_me": m.pk == request.membership.pk,
            "role_form": MemberRoleForm(initial={"role": m.role}, auto_id=f"member-{m.pk}-%s") if is_owner else None,
        }
        for m in members
    ]
    invitations = list(memberships.open_invitations(firm).order_by("-created_at"))
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
        memberships.invitation_create(
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
    if memberships.invitation_revoke(invitation=invitation):
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
            membership = memberships.member_set_role(membership=membership, role=form.cleaned_data["role"])
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
        memberships.member_remove(membership=membership)
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
    members = list(Membership.objects.filter(firm=firm).select_related("user").order_by("user__email", "pk"))
    form = RequestSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"is_accepting_leads": firm.is_accepting_leads, "lead_capacity_per_week": firm.lead_capacity_per_week},
        memberships=members,
        disabled=not is_owner,
    )
    if request.method == "POST" and form.is_valid():
        memberships.firm_request_settings_update(
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
            "nobody_receives": not any(m.receives_lead_emails for m in members),
        },
    )
