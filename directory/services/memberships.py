"""How firms join the portal and manage their team: creating a firm, claiming a listed one (or
an unlisted one that operators invited to claim), invitations and memberships, and the firm's
request settings.

Every function writes in one transaction and sends its emails only after the commit; rows
that can race (a claim, an invitation, a firm's memberships) are locked first.
"""

import logging
from collections.abc import Collection, Iterable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lawzana import emails
from lawzana.page_cache import retire

from .. import page_tags
from ..firm_slugs import reserved_firm_slugs
from ..models import City, Firm, FirmClaim, Invitation, Membership, Office, PracticeArea
from .firms import firms_refresh

logger = logging.getLogger(__name__)

CLAIM_SALT = "directory.firm_claim"
CLAIM_INVITE_SALT = "directory.firm_claim_invite"
INVITATION_SALT = "directory.invitation"
MAX_UNLISTED_FIRMS_PER_USER = 3
SLUG_MAX_LENGTH = 200


class PortalError(Exception):
    """A request the rules refuse; the message is for the user."""


class LinkProblem(Exception):
    """A signed link that cannot be used; `reason` says why (one of the constants below)."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    DECIDED = "decided"
    OTHER_USER = "other_user"
    MANAGED = "managed"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def mask_email(address: str) -> str:
    """ "li.wei@example-law.cn" -> "l•••@example-law.cn": enough to recognise, not to harvest."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


# --- Creating a firm ---------------------------------------------------------------------


def unlisted_firms_created(user) -> int:
    """The unlisted firms `user` owns because they created them in the portal: what
    MAX_UNLISTED_FIRMS_PER_USER limits, since it is there against made-up firms. A firm they
    came to own through an approved claim (one operators imported, say) or a colleague's
    invitation is not theirs to answer for, so it does not count."""
    claimed = FirmClaim.objects.filter(firm=OuterRef("firm"), user=user, status=FirmClaim.Status.APPROVED)
    invited = Invitation.objects.filter(firm=OuterRef("firm"), accepted_by=user)
    return (
        Membership.objects.filter(user=user, role=Membership.Role.OWNER, firm__is_listed=False)
        .exclude(Exists(claimed))
        .exclude(Exists(invited))
        .count()
    )


def slug_candidates(name: str, *, city: City, reserved: Collection[str]):
    """A new firm's slugs to try, in order: from its name, else its city; then numbered."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 12].strip("-")
    if not base:  # e.g. a Chinese name: slugify keeps ASCII only
        base = f"firm-{city.slug}"[: SLUG_MAX_LENGTH - 12]
    if base in reserved:
        base = f"{base}-firm"
    yield base
    n = 2
    while True:
        yield f"{base}-{n}"
        n += 1


@transaction.atomic
def firm_create(
    *,
    user,
    name: str,
    tagline: str,
    city: City,
    address: str,
    practice_areas: Iterable[PracticeArea],
    email: str,
    phone: str,
    website: str,
    tagline_language: str = settings.LANGUAGE_CODE,
) -> Firm:
    """A new, unlisted firm with its main office, and the user as its owner. Operators verify
    the firm before it is listed and receives requests. The tagline is kept as written in
    `tagline_language` (the language of the page it was typed on)."""
    # Lock the user so that two tabs cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if unlisted_firms_created(user) >= MAX_UNLISTED_FIRMS_PER_USER:
        raise PortalError(
            _(
                "You have created %(count)d firms that are still waiting for verification. Once operators have "
                "verified one, you can add another."
            )
            % {"count": MAX_UNLISTED_FIRMS_PER_USER}
        )
    taken = set()
    for slug in slug_candidates(name, city=city, reserved=reserved_firm_slugs()):
        if slug in taken:
            continue
        if Firm.objects.filter(slug=slug).exists():
            taken.add(slug)
            continue
        try:
            # A savepoint: a firm created meanwhile with the same slug only costs a retry.
            with transaction.atomic():
                firm = Firm.objects.create(
                    name=name,
                    slug=slug,
                    **{"tagline_zh_hans" if tagline_language == "zh-hans" else "tagline": tagline},
                    email=email,
                    phone=phone,
                    website=website,
                    is_listed=False,
                )
        except IntegrityError:
            taken.add(slug)
            continue
        break
    Office.objects.create(firm=firm, city=city, address=address, phone=phone, is_headquarters=True)
    firm.practice_areas.set(practice_areas)
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.OWNER)
    firms_refresh(firm_ids=[firm.pk])
    emails.send_to_operators(
        template="operators_firm_to_verify",
        context={
            "firm": firm,
            "city": city,
            "user_email": user.email,
            "url": settings.SITE_URL + reverse("admin:directory_firm_change", args=[firm.pk]),
        },
    )
    return firm


# --- Claiming a listed firm --------------------------------------------------------------


def firm_has_owner(firm: Firm) -> bool:
    return firm.memberships.filter(role=Membership.Role.OWNER).exists()


def _claim_create(*, user, firm: Firm, method: str, message: str = "") -> FirmClaim:
    try:
        with transaction.atomic():
            return FirmClaim.objects.create(user=user, firm=firm, method=method, message=message)
    except IntegrityError:
        # The constraint firmclaim_one_pending_per_user: one open claim per person and firm.
        raise PortalError(
            _("You have already asked to manage this firm. Follow the link we emailed, or wait for the operators.")
        ) from None


def _expire_stale_email_claims(*, user, firm: Firm) -> None:
    """An emailed link that expired unused must not block a new attempt forever."""
    FirmClaim.objects.filter(
        user=user,
        firm=firm,
        method=FirmClaim.Method.EMAIL,
        status=FirmClaim.Status.PENDING,
        created_at__lt=timezone.now() - timedelta(days=settings.PORTAL_CLAIM_LINK_DAYS),
    ).update(status=FirmClaim.Status.REJECTED, decided_at=timezone.now(), decision_note="The link expired unused.")


def _claim_invite_signer() -> signing.Signer:
    # Without a timestamp: the same firm always gets the same link, so one sent last month and
    # the one the admin shows today are the same.
    return signing.Signer(salt=CLAIM_INVITE_SALT)


def claim_invite_token(firm: Firm) -> str:
    return _claim_invite_signer().sign_object([firm.pk, firm.slug])


def claim_invite_url(firm: Firm) -> str:
    """The link operators send to a firm nobody manages yet (an imported one is unlisted): it
    opens the firm's claim page, where the person still proves they work there. It never
    expires, since it grants nothing by itself; a new slug makes the old links stop working."""
    path = reverse("portal:firm_claim", kwargs={"slug": firm.slug})
    return f"{settings.SITE_URL}{path}?{urlencode({'invite': claim_invite_token(firm)}, safe=':')}"


def claim_invite_valid(firm: Firm, token: str | None) -> bool:
    """Whether `token` is this firm's claim invitation: one made for another firm, or changed
    in any way, is not."""
    if not token:
        return False
    try:
        pk, slug = _claim_invite_signer().unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        return False
    return pk == firm.pk and slug == firm.slug


def claim_link(claim: FirmClaim) -> str:
    return settings.SITE_URL + reverse(
        "portal:claim_confirm", kwargs={"signed": signing.dumps(claim.pk, salt=CLAIM_SALT)}
    )


@transaction.atomic
def firm_claim_by_email(*, user, firm: Firm) -> FirmClaim:
    """Send a link to the firm's address on file; following it (signed in as `user`) makes
    the user an owner."""
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    if not firm.email:
        raise PortalError(_("This firm has no email address on Lawzana: ask our operators instead."))
    if firm_has_owner(firm):
        raise PortalError(_("This firm is already managed on Lawzana: ask our operators instead."))
    _expire_stale_email_claims(user=user, firm=firm)
    claim = _claim_create(user=user, firm=firm, method=FirmClaim.Method.EMAIL)
    emails.send_after_commit(
        to=[firm.email],
        template="firm_claim_link",
        context={
            "firm": firm,
            "claimant_email": user.email,
            "url": claim_link(claim),
            "days": settings.PORTAL_CLAIM_LINK_DAYS,
        },
    )
    return claim


@transaction.atomic
def firm_claim_by_operators(*, user, firm: Firm, message: str) -> FirmClaim:
    if not message.strip():
        raise PortalError(_("Tell the operators who you are and how to check it."))
    claim = _claim_create(user=user, firm=firm, method=FirmClaim.Method.OPERATORS, message=message)
    emails.send_to_operators(
        template="operators_claim_to_check",
        context={
            "firm": firm,
            "user_email": user.email,
            "url": settings.SITE_URL + reverse("admin:directory_firmclaim_change", args=[claim.pk]),
        },
    )
    return claim


def firm_claim_from_link(*, signed: str, user) -> FirmClaim:
    """The pending email claim a link stands for, if `user` may confirm it; else LinkProblem."""
    try:
        pk = signing.loads(signed, salt=CLAIM_SALT, max_age=timedelta(days=settings.PORTAL_CLAIM_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkProblem(LinkProblem.EXPIRED) from None
    except signing.BadSignature:
        raise LinkProblem(LinkProblem.INVALID) from None
    claim = FirmClaim.objects.select_related("firm").filter(pk=pk, method=FirmClaim.Method.EMAIL).first()
    if claim is None:
        raise LinkProblem(LinkProblem.INVALID)
    _check_claim(claim, user=user)
    return claim


def _check_claim(claim: FirmClaim, *, user) -> None:
    if claim.user_id != user.pk:
        raise LinkProblem(LinkProblem.OTHER_USER)
    if claim.status == FirmClaim.Status.APPROVED:
        raise LinkProblem(LinkProblem.USED)
    if claim.status != FirmClaim.Status.PENDING:
        raise LinkProblem(LinkProblem.DECIDED)
    if claim.firm.memberships.filter(role=Membership.Role.OWNER).exclude(user=user).exists():
        raise LinkProblem(LinkProblem.MANAGED)


@transaction.atomic
def firm_claim_confirm(*, signed: str, user) -> FirmClaim:
    """The claimant followed the emailed link and confirmed: they become an owner."""
    claim = firm_claim_from_link(signed=signed, user=user)
    # Checked again under the lock: a double submit approves once, the second gets USED.
    claim = FirmClaim.objects.select_for_update().select_related("firm").get(pk=claim.pk)
    _check_claim(claim, user=user)
    _claim_approve(claim, decided_by=user, note="Confirmed through the link sent to the firm's email address.")
    return claim


def _claim_approve(claim: FirmClaim, *, decided_by, note: str) -> None:
    claim.status = FirmClaim.Status.APPROVED
    claim.decided_at = timezone.now()
    claim.decided_by = decided_by
    claim.decision_note = note[:300]
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    Membership.objects.update_or_create(
        user_id=claim.user_id, firm_id=claim.firm_id, defaults={"role": Membership.Role.OWNER}
    )


@transaction.atomic
def firm_claim_approve(*, claim: FirmClaim, decided_by, note: str = "") -> bool:
    """Operators approve a claim: the claimant becomes an owner. False if already decided."""
    claim = FirmClaim.objects.select_for_update().select_related("firm", "user").get(pk=claim.pk)
    if claim.status != FirmClaim.Status.PENDING:
        return False
    _claim_approve(claim, decided_by=decided_by, note=note)
    _send_claim_decided(claim)
    return True


@transaction.atomic
def firm_claim_reject(*, claim: FirmClaim, decided_by, note: str) -> bool:
    """Operators reject a claim, saying why. False if already decided."""
    if not note.strip():
        raise PortalError(_("Give a reason when rejecting a claim."))
    claim = FirmClaim.objects.select_for_update().select_related("firm", "user").get(pk=claim.pk)
    if claim.status != FirmClaim.Status.PENDING:
        return False
    claim.status = FirmClaim.Status.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = decided_by
    claim.decision_note = note.strip()[:300]
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _send_claim_decided(claim)
    return True


def _send_claim_decided(claim: FirmClaim) -> None:
    # Operators decide in the admin, in their language; the claimant reads theirs.
    with translation.override(claim.user.language):
        emails.send_after_commit(
            to=[claim.user.email],
            template="firm_claim_decided",
            context={"claim": claim, "firm": claim.firm, "url": settings.SITE_URL + reverse("portal:home")},
            language=claim.user.language,
        )


# --- Invitations --------------------------------------------------------------------------


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "portal:invitation_accept", kwargs={"signed": signing.dumps(invitation.pk, salt=INVITATION_SALT)}
    )


def open_invitations(firm: Firm):
    return Invitation.objects.filter(
        firm=firm, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def invitation_create(*, firm: Firm, email: str, role: str, invited_by) -> Invitation:
    """Invite a colleague by email; the link is valid for PORTAL_INVITATION_DAYS."""
    email = email.strip()
    if Membership.objects.filter(firm=firm, user__email__iexact=email).exists():
        raise PortalError(_("%(email)s is already a member of the firm.") % {"email": email})
    # An expired invitation still holds the address (invitation_one_open_per_email): close it.
    Invitation.objects.filter(
        firm=firm,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__lte=timezone.now(),
    ).update(revoked_at=timezone.now())
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                firm=firm,
                email=email,
                role=role,
                invited_by=invited_by,
                expires_at=timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS),
            )
    except IntegrityError:
        raise PortalError(
            _("%(email)s already has an open invitation. Revoke it first to send a new one.") % {"email": email}
        ) from None
    emails.send_after_commit(
        to=[email],
        template="invitation",
        context={
            "invitation": invitation,
            "firm": firm,
            "inviter_email": getattr(invited_by, "email", ""),
            "url": invitation_link(invitation),
            "days": settings.PORTAL_INVITATION_DAYS,
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> bool:
    """False if the invitation was already accepted or revoked."""
    return bool(
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def invitation_from_link(*, signed: str, user) -> Invitation:
    """The open invitation a link stands for, if `user` may accept it; else LinkProblem."""
    try:
        pk = signing.loads(signed, salt=INVITATION_SALT)
    except signing.BadSignature:
        raise LinkProblem(LinkProblem.INVALID) from None
    invitation = Invitation.objects.select_related("firm").filter(pk=pk).first()
    if invitation is None:
        raise LinkProblem(LinkProblem.INVALID)
    _check_invitation(invitation, user=user)
    return invitation


def _check_invitation(invitation: Invitation, *, user) -> None:
    if invitation.accepted_at is not None:
        raise LinkProblem(LinkProblem.USED)
    if invitation.revoked_at is not None:
        raise LinkProblem(LinkProblem.REVOKED)
    if invitation.expires_at <= timezone.now():
        raise LinkProblem(LinkProblem.EXPIRED)
    if invitation.email.casefold() != user.email.casefold():
        raise LinkProblem(LinkProblem.OTHER_USER)


@transaction.atomic
def invitation_accept(*, signed: str, user) -> Membership:
    """The invited colleague joins the firm with the invited role."""
    invitation = invitation_from_link(signed=signed, user=user)
    invitation = Invitation.objects.select_for_update().select_related("firm").get(pk=invitation.pk)
    _check_invitation(invitation, user=user)
    membership, created = Membership.objects.get_or_create(
        user=user, firm=invitation.firm, defaults={"role": invitation.role}
    )
    if not created:
        raise PortalError(_("You are already a member of %(firm)s.") % {"firm": invitation.firm.name})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Memberships ----------------------------------------------------------------------------


def _locked_memberships(firm: Firm) -> list[Membership]:
    # Every change that could leave the firm without an owner locks all its memberships
    # first, so that two owners demoting each other at once cannot both succeed.
    return list(Membership.objects.select_for_update().filter(firm=firm).order_by("pk"))


@transaction.atomic
def member_set_role(*, membership: Membership, role: str) -> Membership:
    memberships = {m.pk: m for m in _locked_memberships(membership.firm)}
    membership = memberships[membership.pk]
    owners = [m for m in memberships.values() if m.is_owner]
    if membership.is_owner and role != Membership.Role.OWNER and len(owners) == 1:
        raise PortalError(_("The firm needs at least one owner: make someone else an owner first."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    memberships = {m.pk: m for m in _locked_memberships(membership.firm)}
    membership = memberships[membership.pk]
    owners = [m for m in memberships.values() if m.is_owner]
    if membership.is_owner and len(owners) == 1:
        raise PortalError(_("The firm needs at least one owner: make someone else an owner first."))
    membership.delete()


# --- Request settings -------------------------------------------------------------------------


@transaction.atomic
def firm_request_settings_update(
    *, firm: Firm, is_accepting_leads: bool, lead_capacity_per_week: int, recipient_ids: Iterable[int]
) -> None:
    """Whether the firm takes requests, how many a week, and which members get them by email
    (none chosen: the firm's listed address)."""
    was_accepting = Firm.objects.filter(pk=firm.pk).values_list("is_accepting_leads", flat=True).first()
    Firm.objects.filter(pk=firm.pk).update(
        is_accepting_leads=is_accepting_leads, lead_capacity_per_week=lead_capacity_per_week, updated_at=timezone.now()
    )
    # Cards and the profile offer "Send a request" only while the firm accepts them; the
    # capacity and who gets the emails are not on any public page.
    if was_accepting != is_accepting_leads:
        retire(page_tags.firm(firm.pk))
    recipient_ids = set(recipient_ids)
    memberships = Membership.objects.filter(firm=firm)
    memberships.filter(pk__in=recipient_ids).update(receives_lead_emails=True)
    memberships.exclude(pk__in=recipient_ids).update(receives_lead_emails=False)
