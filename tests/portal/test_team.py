"""A firm's team in the portal: members, invitations (sent, revoked, accepted), roles, leaving,
and the request settings."""

import datetime
import re

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from directory.models import Firm, Invitation, Membership
from directory.services import memberships
from tests.factories import FirmFactory, FirmUserFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/?next="


def text_of(response):
    return " ".join(response.content.decode().split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def firm(db):
    return FirmFactory(name="Songhua River Law", slug="songhua", email="office@songhua-law.cn")


@pytest.fixture
def owner(firm):
    return MembershipFactory(firm=firm, owner=True, user__email="owner@songhua-law.cn")


@pytest.fixture
def member(firm):
    return MembershipFactory(firm=firm, user__email="member@songhua-law.cn")


@pytest.fixture
def other(db):
    """Firm B, with its owner, a member and an open invitation."""
    firm = FirmFactory(name="Other Partners", slug="other")
    owner = MembershipFactory(firm=firm, owner=True, user__email="boss@other.cn")
    member = MembershipFactory(firm=firm, user__email="staff@other.cn")
    invitation = Invitation.objects.create(
        firm=firm, email="new@other.cn", expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    return {"firm": firm, "owner": owner, "member": member, "invitation": invitation}


def invite(firm, email="colleague@example.com", role="member", **extra):
    return Invitation.objects.create(
        firm=firm, email=email, role=role, expires_at=timezone.now() + datetime.timedelta(days=7), **extra
    )


def url(name, firm, **kwargs):
    return reverse(f"portal:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def accept_url(invitation):
    return reverse(
        "portal:invitation_accept",
        kwargs={"signed": signing.dumps(invitation.pk, salt=memberships.INVITATION_SALT)},
    )


def snapshot():
    """Everything these pages can change."""
    return (
        list(
            Membership.objects.order_by("pk").values_list("pk", "firm_id", "user_id", "role", "receives_lead_emails")
        ),
        list(Invitation.objects.order_by("pk").values_list("pk", "email", "accepted_at", "revoked_at")),
        list(
            Firm.objects.order_by("pk").values_list("pk", "is_accepting_leads", "lead_capacity_per_week", "is_listed")
        ),
    )


def firm_pages(firm, *, membership_pk, invitation_pk):
    """(method, url, data) for every firm-scoped page of the team area."""
    return [
        ("get", url("team", firm), {}),
        ("post", url("team_invite", firm), {"email": "x@example.com", "role": "owner"}),
        ("post", url("invitation_revoke", firm, pk=invitation_pk), {}),
        ("post", url("member_update", firm, pk=membership_pk), {"role": "owner"}),
        ("post", url("member_remove", firm, pk=membership_pk), {}),
        ("get", url("settings", firm), {}),
        ("post", url("settings", firm), {"is_accepting_leads": "", "lead_capacity_per_week": "1"}),
    ]


# --- Who may open what ------------------------------------------------------------------------------


def test_a_signed_out_visitor_is_sent_to_sign_in(client, firm, owner, other):
    invitation = invite(firm)
    before = snapshot()

    for method, page, data in firm_pages(firm, membership_pk=owner.pk, invitation_pk=invitation.pk):
        response = getattr(client, method)(page, data)
        assert response.status_code == 302, page
        assert response["Location"].startswith(LOGIN), page
    for method in ["get", "post"]:
        response = getattr(client, method)(accept_url(invitation))
        assert response["Location"] == LOGIN + accept_url(invitation).replace(":", "%3A")
    assert snapshot() == before


def test_a_firm_user_without_two_factor_is_sent_to_set_it_up(client, firm, other):
    no_mfa = MembershipFactory(firm=firm, owner=True, user=FirmUserFactory(mfa=False, email="colleague@example.com"))
    invitation = invite(firm)
    client.force_login(no_mfa.user)
    before = snapshot()

    pages = firm_pages(firm, membership_pk=no_mfa.pk, invitation_pk=invitation.pk)
    for method, page, data in [*pages, ("get", accept_url(invitation), {}), ("post", accept_url(invitation), {})]:
        response = getattr(client, method)(page, data)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("portal:mfa_required") + "?next="), page
    assert snapshot() == before


def test_another_firms_slug_is_a_404_and_changes_nothing(client, owner, other):
    client.force_login(owner.user)
    before = snapshot()

    pages = firm_pages(other["firm"], membership_pk=other["member"].pk, invitation_pk=other["invitation"].pk)
    for method, page, data in pages:
        assert getattr(client, method)(page, data).status_code == 404, page
    assert snapshot() == before


def test_another_firms_members_and_invitations_are_404_through_ones_own_firm(client, firm, owner, other):
    client.force_login(owner.user)
    before = snapshot()

    pages = [
        url("invitation_revoke", firm, pk=other["invitation"].pk),
        url("member_update", firm, pk=other["member"].pk),
        url("member_remove", firm, pk=other["member"].pk),
        url("member_remove", firm, pk=other["owner"].pk),
    ]
    for page in pages:
        assert client.post(page, {"role": "owner"}).status_code == 404, page
    assert snapshot() == before


def test_a_plain_member_cannot_use_the_owners_actions(client, firm, owner, member):
    colleague = MembershipFactory(firm=firm)
    invitation = invite(firm)
    client.force_login(member.user)
    before = snapshot()

    pages = [
        (url("team_invite", firm), {"email": "x@example.com", "role": "owner"}),
        (url("invitation_revoke", firm, pk=invitation.pk), {}),
        (url("member_update", firm, pk=member.pk), {"role": "owner"}),
        (url("member_update", firm, pk=owner.pk), {"role": "member"}),
        (url("member_remove", firm, pk=colleague.pk), {}),
        (url("member_remove", firm, pk=owner.pk), {}),
        (url("settings", firm), {"is_accepting_leads": "", "lead_capacity_per_week": "1"}),
    ]
    for page, data in pages:
        assert client.post(page, data).status_code == 403, page
    assert snapshot() == before
    assert not mail.outbox


@pytest.mark.parametrize("name", ["team_invite", "invitation_revoke", "member_update", "member_remove"])
def test_the_actions_need_a_post(client, firm, owner, name):
    client.force_login(owner.user)
    kwargs = {} if name == "team_invite" else {"pk": owner.pk}

    assert client.get(url(name, firm, **kwargs)).status_code == 405


# --- The team page --------------------------------------------------------------------------------


def test_a_member_sees_the_team_and_the_open_invitations(client, firm, owner, member, assert_valid_html):
    Membership.objects.filter(pk=member.pk).update(receives_lead_emails=False)
    invite(firm, email="open@example.com")
    invite(firm, email="revoked@example.com", revoked_at=timezone.now())
    invite(firm, email="accepted@example.com", accepted_at=timezone.now())
    expired = invite(firm, email="expired@example.com")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(member.user)

    response = client.get(url("team", firm))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = text_of(response)
    assert "owner@songhua-law.cn" in page
    assert re.search(r"member@songhua-law.cn <span[^>]*>\(you\)", page)
    assert "open@example.com" in page
    for email in ["revoked@example.com", "accepted@example.com", "expired@example.com"]:
        assert email not in page
    assert 'aria-current="page"' in page
    assert "Leave the firm" in page
    assert "Invite a colleague" not in page
    assert "Change role" not in page
    assert "Remove owner@songhua-law.cn" not in page
    assert [row["membership"].receives_lead_emails for row in response.context["rows"]] == [False, True]


def test_an_owner_sees_the_forms_to_manage_the_team(client, firm, owner, member, assert_valid_html):
    invite(firm, email="open@example.com")
    client.force_login(owner.user)

    response = client.get(url("team", firm))

    assert_valid_html(response.content)
    page = text_of(response)
    assert "Invite a colleague" in page
    assert "Remove member@songhua-law.cn" in page
    assert "Revoke the invitation to open@example.com" in page
    assert page.count("Change role") == 2


def test_the_team_page_takes_the_same_number_of_queries_for_few_or_many(
    client, firm, owner, django_assert_max_num_queries
):
    client.force_login(owner.user)
    client.get(url("team", firm))  # the session's first touch is not the page's
    with django_assert_max_num_queries(8):
        few = client.get(url("team", firm))
    for n in range(25):
        MembershipFactory(firm=firm)
        invite(firm, email=f"c{n}@example.com")
    with django_assert_max_num_queries(8):
        many = client.get(url("team", firm))

    assert len(few.context["rows"]) == 1
    assert len(many.context["rows"]) == 26
    assert len(many.context["invitations"]) == 25


def test_the_settings_page_takes_the_same_number_of_queries_for_few_or_many(
    client, firm, owner, django_assert_max_num_queries
):
    client.force_login(owner.user)
    client.get(url("settings", firm))  # the session's first touch is not the page's
    with django_assert_max_num_queries(6):
        client.get(url("settings", firm))
    for _ in range(25):
        MembershipFactory(firm=firm)
    with django_assert_max_num_queries(6):
        many = client.get(url("settings", firm))

    assert len(many.context["form"].recipient_fields()) == 26


# --- Inviting ----------------------------------------------------------------------------------------


def test_an_owner_invites_a_colleague_by_email(client, firm, owner, settings, django_capture_on_commit_callbacks):
    client.force_login(owner.user)

    # The clock stands still: the signed link carries the second it was made, and the one
    # rebuilt below must be made in the same second to be equal.
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("team_invite", firm), {"email": "Colleague@Example.com", "role": "owner"})
        invitation = Invitation.objects.get()
        expected_link = accept_url(invitation)

    assert response.status_code == 302
    assert (invitation.firm, invitation.email, invitation.role, invitation.invited_by) == (
        firm,
        "Colleague@Example.com",
        "owner",
        owner.user,
    )
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS)) < datetime.timedelta(seconds=5)
    assert [m.to for m in mail.outbox] == [["Colleague@Example.com"]]
    message = mail.outbox[0]
    assert "Join Songhua River Law" in message.subject
    assert "owner@songhua-law.cn" in message.body
    link = re.search(r"http://\S+/portal/invitations/\S+/", message.body).group(0)
    assert link.endswith(expected_link)
    assert expected_link in message.alternatives[0][0]
    assert any("colleague@example.com" in m.lower() for m in messages_of(client.get(url("team", firm))))


def test_inviting_a_member_is_refused_with_a_message(client, firm, owner, member):
    client.force_login(owner.user)

    response = client.post(url("team_invite", firm), {"email": "MEMBER@songhua-law.cn", "role": "member"}, follow=True)

    assert any("already a member" in m for m in messages_of(response))
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_an_address_with_an_open_invitation_is_refused(client, firm, owner):
    invite(firm, email="colleague@example.com")
    client.force_login(owner.user)

    response = client.post(url("team_invite", firm), {"email": "COLLEAGUE@example.com", "role": "member"}, follow=True)

    assert any("already has an open invitation" in m for m in messages_of(response))
    assert Invitation.objects.count() == 1
    assert not mail.outbox


def test_an_expired_invitation_can_be_sent_again(client, firm, owner, django_capture_on_commit_callbacks):
    expired = invite(firm, email="colleague@example.com")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("team_invite", firm), {"email": "colleague@example.com", "role": "member"})

    expired.refresh_from_db()
    assert expired.revoked_at is not None
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "data", [{"email": "not-an-email", "role": "member"}, {"email": "a@example.com", "role": "admin"}, {}]
)
def test_a_bad_invitation_gets_form_errors(client, firm, owner, data, assert_valid_html):
    client.force_login(owner.user)

    response = client.post(url("team_invite", firm), data)

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert response.context["invite_form"].errors
    assert not Invitation.objects.exists()


def test_an_owner_revokes_an_invitation(client, firm, owner):
    invitation = invite(firm)
    client.force_login(owner.user)

    response = client.post(url("invitation_revoke", firm, pk=invitation.pk), follow=True)
    again = client.post(url("invitation_revoke", firm, pk=invitation.pk), follow=True)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert any("revoked" in m for m in messages_of(response))
    assert any("already accepted or revoked" in m for m in messages_of(again))
    assert client.get(accept_url(invitation)).status_code == 410
    assert "colleague@example.com" not in text_of(client.get(url("team", firm)))


# --- Roles and leaving --------------------------------------------------------------------------------


def test_an_owner_changes_a_members_role(client, firm, owner, member):
    client.force_login(owner.user)

    response = client.post(url("member_update", firm, pk=member.pk), {"role": "owner"}, follow=True)

    member.refresh_from_db()
    assert member.role == "owner"
    assert any("member@songhua-law.cn is now: Owner" in m for m in messages_of(response))


def test_the_last_owner_cannot_step_down(client, firm, owner, member):
    client.force_login(owner.user)

    response = client.post(url("member_update", firm, pk=owner.pk), {"role": "member"}, follow=True)

    owner.refresh_from_db()
    assert owner.role == "owner"
    assert any("at least one owner" in m for m in messages_of(response))


def test_an_owner_steps_down_when_there_is_another(client, firm, owner, member):
    member.role = "owner"
    member.save()
    client.force_login(owner.user)

    client.post(url("member_update", firm, pk=owner.pk), {"role": "member"})

    owner.refresh_from_db()
    assert owner.role == "member"


def test_an_unknown_role_is_refused(client, firm, owner, member):
    client.force_login(owner.user)

    response = client.post(url("member_update", firm, pk=member.pk), {"role": "admin"}, follow=True)

    member.refresh_from_db()
    assert member.role == "member"
    assert any("Choose a role" in m for m in messages_of(response))


def test_an_owner_removes_a_member(client, firm, owner, member):
    client.force_login(owner.user)

    response = client.post(url("member_remove", firm, pk=member.pk), follow=True)

    assert not Membership.objects.filter(pk=member.pk).exists()
    assert any("member@songhua-law.cn is no longer a member" in m for m in messages_of(response))


def test_a_member_leaves_the_firm(client, firm, owner, member):
    client.force_login(member.user)

    response = client.post(url("member_remove", firm, pk=member.pk))

    assert response["Location"] == reverse("portal:home")
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert client.get(url("team", firm)).status_code == 404


def test_the_last_owner_cannot_leave_or_be_removed(client, firm, owner, member):
    client.force_login(owner.user)

    response = client.post(url("member_remove", firm, pk=owner.pk), follow=True)

    assert Membership.objects.filter(pk=owner.pk).exists()
    assert any("at least one owner" in m for m in messages_of(response))


# --- Accepting an invitation ---------------------------------------------------------------------------


@pytest.fixture
def invitation(firm, owner):
    return invite(firm, email="Colleague@Example.com", role="member", invited_by=owner.user)


@pytest.fixture
def colleague(client):
    user = FirmUserFactory(email="colleague@example.com")
    client.force_login(user)
    return user


def test_the_invitation_shows_the_firm_and_the_role_and_changes_nothing(
    client, invitation, colleague, assert_valid_html
):
    response = client.get(accept_url(invitation))

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert "You are invited to join Songhua River Law on Lawzana as: Member." in text_of(response)
    assert not Membership.objects.filter(user=colleague).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accepting_makes_the_colleague_a_member_with_the_invited_role(client, firm, invitation, colleague):
    Invitation.objects.filter(pk=invitation.pk).update(role="owner")

    response = client.post(accept_url(invitation))

    invitation.refresh_from_db()
    assert response["Location"] == reverse("portal:dashboard", kwargs={"firm_slug": "songhua"})
    assert Membership.objects.get(user=colleague, firm=firm).role == "owner"
    assert invitation.accepted_by == colleague
    assert invitation.accepted_at is not None


def test_a_reused_invitation_link_changes_nothing(client, firm, invitation, colleague, assert_valid_html):
    client.post(accept_url(invitation))
    Membership.objects.filter(user=colleague).delete()  # e.g. removed since

    again = client.post(accept_url(invitation))
    page = client.get(accept_url(invitation))

    assert again.status_code == page.status_code == 410
    assert_valid_html(page.content)
    assert "already been accepted" in text_of(again)
    assert not Membership.objects.filter(user=colleague).exists()


def test_a_revoked_invitation_cannot_be_accepted(client, invitation, colleague):
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    response = client.post(accept_url(invitation))

    assert response.status_code == 410
    assert "withdrawn by the firm" in text_of(response)
    assert not Membership.objects.filter(user=colleague).exists()


def test_an_expired_invitation_cannot_be_accepted(client, invitation, colleague):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post(accept_url(invitation))

    assert response.status_code == 410
    assert "expired" in text_of(response)
    assert not Membership.objects.filter(user=colleague).exists()


def test_an_invitation_for_another_address_cannot_be_accepted(client, invitation):
    someone = FirmUserFactory(email="someone@example.com")
    client.force_login(someone)

    page = client.get(accept_url(invitation))
    response = client.post(accept_url(invitation))

    assert page.status_code == response.status_code == 403
    assert "signed in as someone@example.com" in text_of(response)
    assert not Membership.objects.filter(user=someone).exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_changed_invitation_link_is_refused(client, invitation, colleague, method):
    good = signing.dumps(invitation.pk, salt=memberships.INVITATION_SALT)

    for bad in [good[:-2] + "xx", "x", signing.dumps(invitation.pk, salt=memberships.CLAIM_SALT)]:
        response = getattr(client, method)(reverse("portal:invitation_accept", kwargs={"signed": bad}))
        assert response.status_code == 400

    assert not Membership.objects.filter(user=colleague).exists()


def test_a_member_accepting_again_is_told_and_nothing_changes(client, firm, invitation, colleague):
    MembershipFactory(firm=firm, user=colleague)

    page = client.get(accept_url(invitation))
    response = client.post(accept_url(invitation), follow=True)

    assert "already a member" in text_of(page)
    assert any("already a member" in m for m in messages_of(response))
    assert Invitation.objects.get().accepted_at is None


def test_a_new_colleague_signs_in_and_comes_back_to_the_invitation(client, invitation):
    response = client.get(accept_url(invitation))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "invitations" in response["Location"]


def test_the_invitation_link_lasts_as_long_as_the_invitation(client, invitation, colleague):
    # The signature itself does not expire; the invitation's expiry decides.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30), tick=False):
        old_link = accept_url(invitation)

    assert client.get(old_link).status_code == 200


# --- Request settings ----------------------------------------------------------------------------------


def test_a_member_sees_the_settings_but_cannot_change_them(client, firm, owner, member, assert_valid_html):
    client.force_login(member.user)

    response = client.get(url("settings", firm))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = text_of(response)
    assert "Only the firm's owners can change these settings." in page
    assert "disabled" in page
    assert 'type="submit">Save' not in page
    assert "owner@songhua-law.cn" in page


def test_an_owner_changes_the_request_settings(client, firm, owner, member, assert_valid_html):
    client.force_login(owner.user)

    page = client.get(url("settings", firm))
    response = client.post(
        url("settings", firm),
        {"lead_capacity_per_week": "25", f"recipient_{member.pk}": "on"},
        follow=True,
    )

    assert_valid_html(page.content)
    assert 'aria-current="page"' in text_of(page)
    firm.refresh_from_db()
    owner.refresh_from_db()
    member.refresh_from_db()
    assert (firm.is_accepting_leads, firm.lead_capacity_per_week) == (False, 25)
    assert (owner.receives_lead_emails, member.receives_lead_emails) == (False, True)
    assert any("saved" in m for m in messages_of(response))


def test_when_nobody_is_ticked_the_page_says_the_firms_address_is_used(client, firm, owner, member):
    client.force_login(owner.user)

    client.post(url("settings", firm), {"is_accepting_leads": "on", "lead_capacity_per_week": "10"})
    response = client.get(url("settings", firm))

    assert not Membership.objects.filter(firm=firm, receives_lead_emails=True).exists()
    assert "new requests are emailed to the firm's listed address, office@songhua-law.cn" in text_of(response)


@pytest.mark.parametrize("capacity", ["0", "201", "-3", "ten", ""])
def test_the_capacity_must_be_between_1_and_200(client, firm, owner, capacity):
    client.force_login(owner.user)
    before = snapshot()

    response = client.post(url("settings", firm), {"is_accepting_leads": "on", "lead_capacity_per_week": capacity})

    assert response.status_code == 200
    assert "lead_capacity_per_week" in response.context["form"].errors
    assert snapshot() == before


def test_settings_ignore_fields_they_do_not_offer(client, firm, owner, other):
    client.force_login(owner.user)
    before_other = snapshot()[0][2:], Firm.objects.values().get(pk=other["firm"].pk)

    client.post(
        url("settings", firm),
        {
            "is_accepting_leads": "on",
            "lead_capacity_per_week": "12",
            "is_listed": "",
            "verified_on": "2026-01-01",
            "ranking_score": "99",
            "name": "Renamed",
            "firm": other["firm"].pk,
            f"recipient_{other['member'].pk}": "",
            f"recipient_{other['owner'].pk}": "",
        },
    )

    firm.refresh_from_db()
    assert firm.lead_capacity_per_week == 12
    assert firm.is_listed
    assert firm.verified_on is None
    assert firm.ranking_score != 99
    assert firm.name == "Songhua River Law"
    assert (snapshot()[0][2:], Firm.objects.values().get(pk=other["firm"].pk)) == before_other
