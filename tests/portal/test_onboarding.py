"""A firm joins the portal: creating a new firm, or claiming a listed one (a link to the
firm's listed address, or the operators' decision in the admin)."""

import datetime
import re

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Firm, FirmClaim, Invitation, Membership, Office
from directory.services import memberships
from tests.factories import (
    FirmFactory,
    FirmUserFactory,
    MembershipFactory,
    StaffFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/?next="


def text_of(response):
    return " ".join(response.content.decode().split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def user(client):
    user = FirmUserFactory(email="wei.zhang@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def listed(harbin):
    return FirmFactory(name="Songhua River Law", slug="songhua", email="li.na@songhua-law.cn", cities=[harbin])


def claim_token(claim):
    return signing.dumps(claim.pk, salt=memberships.CLAIM_SALT)


def confirm_url(claim):
    return reverse("portal:claim_confirm", kwargs={"signed": claim_token(claim)})


def link_in(message):
    return re.search(r"http://\S+/portal/\S+/", message.body).group(0)


# --- Every onboarding page: signed in, with a second factor ---------------------------------


def onboarding_urls(firm):
    claim = FirmClaim(pk=1)
    return [
        reverse("portal:firm_create"),
        reverse("portal:firm_claim_search") + "?q=Song",
        reverse("portal:firm_claim", kwargs={"slug": firm.slug}),
        reverse("portal:claim_confirm", kwargs={"signed": claim_token(claim)}),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_signed_out_visitor_is_sent_to_sign_in(client, listed, method):
    for url in onboarding_urls(listed):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
    assert not Firm.objects.exclude(pk=listed.pk).exists()
    assert not FirmClaim.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_firm_user_without_two_factor_is_sent_to_set_it_up(client, listed, method):
    client.force_login(FirmUserFactory(mfa=False))

    for url in onboarding_urls(listed):
        response = getattr(client, method)(url, {"method": "email", "name": "X"})

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("portal:mfa_required") + "?next="), url
    assert not FirmClaim.objects.exists()
    assert Firm.objects.count() == 1


# --- Creating a firm ---------------------------------------------------------------------------


@pytest.fixture
def create_data(harbin, cyber_law):
    return {
        "name": "Harbin Data Law",
        "tagline": "Privacy and technology law",
        "city": harbin.pk,
        "address": "1 Zhongyang Street",
        "practice_areas": [cyber_law.pk],
        "email": "office@harbin-data-law.cn",
        "phone": "0451 8888 6666",
        "website": "harbin-data-law.cn",
    }


def test_the_create_page_explains_verification_and_is_valid_html(client, user, create_data, assert_valid_html):
    response = client.get(reverse("portal:firm_create"))

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert "verify every new firm" in text_of(response)
    assert 'name="practice_areas"' in text_of(response)


def test_creating_a_firm_makes_an_unlisted_firm_its_main_office_and_the_user_its_owner(
    client, user, create_data, harbin, cyber_law, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:firm_create"), create_data)

    firm = Firm.objects.get(name="Harbin Data Law")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard", kwargs={"firm_slug": "harbin-data-law"})
    assert firm.slug == "harbin-data-law"
    assert not firm.is_listed
    assert firm.verified_on is None
    assert firm.tagline == "Privacy and technology law"
    assert firm.email == "office@harbin-data-law.cn"
    assert firm.phone == "+8645188886666"
    assert firm.website == "https://harbin-data-law.cn"
    assert list(firm.practice_areas.all()) == [cyber_law]
    office = Office.objects.get(firm=firm)
    assert (office.city, office.address, office.is_headquarters) == (harbin, "1 Zhongyang Street", True)
    assert Membership.objects.get(firm=firm).user == user
    assert Membership.objects.get(firm=firm).role == Membership.Role.OWNER
    assert firm.completeness > 0  # derived fields were computed
    page = client.get(response["Location"], follow=True)
    assert any("verify new firms before they are listed" in m for m in messages_of(page))


def test_creating_a_firm_tells_the_operators_when_there_are_some(
    client, user, create_data, settings, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("Operators", "ops@lawzana.example")]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:firm_create"), create_data)

    assert [m.to for m in mail.outbox] == [["ops@lawzana.example"]]
    assert "Harbin Data Law" in mail.outbox[0].subject


def test_firm_create_ignores_fields_it_does_not_offer(client, user, create_data, listed):
    listed_before = Firm.objects.values().get(pk=listed.pk)
    data = {
        **create_data,
        "is_listed": "on",
        "verified_on": "2026-01-01",
        "ranking_score": "99",
        "completeness": "1",
        "firm": listed.pk,
        "slug": "songhua",
        "role": "owner",
        "is_accepting_leads": "",
        "lead_capacity_per_week": "200",
    }

    client.post(reverse("portal:firm_create"), data)

    firm = Firm.objects.get(name="Harbin Data Law")
    assert not firm.is_listed
    assert firm.verified_on is None
    assert firm.ranking_score != 99
    assert firm.slug == "harbin-data-law"
    assert firm.is_accepting_leads is True
    assert firm.lead_capacity_per_week == 10
    assert Firm.objects.values().get(pk=listed.pk) == listed_before
    assert not Membership.objects.filter(firm=listed).exists()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("哈尔滨数据律师事务所", "firm-harbin"),
        ("New", "new-firm"),
        ("Claim", "claim-firm"),
        ("Compare", "compare-firm"),
        ("Two factor", "two-factor-firm"),
        ("Songhua", "songhua-2"),
    ],
)
def test_the_slug_is_unique_never_reserved_and_never_empty(client, user, create_data, listed, name, slug):
    client.post(reverse("portal:firm_create"), {**create_data, "name": name})

    assert Firm.objects.get(name=name).slug == slug


def test_two_firms_with_the_same_name_get_different_slugs(client, user, create_data):
    client.post(reverse("portal:firm_create"), create_data)
    client.post(reverse("portal:firm_create"), {**create_data, "address": "2 Zhongyang Street"})

    assert sorted(Firm.objects.values_list("slug", flat=True)) == ["harbin-data-law", "harbin-data-law-2"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Bad\x00name"}, "name"),
        ({"name": "Two\r\nlines"}, "name"),
        ({"city": "999999"}, "city"),
        ({"address": ""}, "address"),
        ({"practice_areas": []}, "practice_areas"),
        ({"practice_areas": ["999999"]}, "practice_areas"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_input_gets_a_form_error_and_creates_nothing(client, user, create_data, change, field):
    response = client.post(reverse("portal:firm_create"), {**create_data, **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Firm.objects.exists()


def test_a_practice_area_group_cannot_be_chosen(client, user, create_data, cyber_law):
    response = client.post(reverse("portal:firm_create"), {**create_data, "practice_areas": [cyber_law.parent_id]})

    assert "practice_areas" in response.context["form"].errors
    assert not Firm.objects.exists()


def test_a_user_creates_at_most_three_unlisted_firms(client, user, create_data):
    for _ in range(3):
        MembershipFactory(user=user, owner=True, firm=FirmFactory(is_listed=False))

    page = client.get(reverse("portal:firm_create"))
    response = client.post(reverse("portal:firm_create"), create_data)

    assert "waiting for verification" in text_of(page)
    assert 'name="name"' not in text_of(page)
    assert response.status_code == 200
    assert any("waiting for verification" in m for m in messages_of(response))
    assert not Firm.objects.filter(name="Harbin Data Law").exists()


def test_a_fourth_firm_created_in_the_portal_is_refused(client, user, create_data):
    for n in range(3):
        created = client.post(reverse("portal:firm_create"), {**create_data, "name": f"Harbin Data Law {n}"})
        assert created.status_code == 302

    page = client.get(reverse("portal:firm_create"))
    fourth = client.post(reverse("portal:firm_create"), create_data)

    assert "You have created 3 firms that are still waiting for verification" in text_of(page)
    assert 'name="name"' not in text_of(page)
    assert any("You have created 3 firms that are still waiting" in m for m in messages_of(fourth))
    assert Firm.objects.filter(memberships__user=user).count() == 3


def test_firms_claimed_or_joined_by_invitation_do_not_count_toward_the_limit(client, user, create_data):
    # Three firms operators imported (unlisted, nobody manages them) and the user claimed, and
    # one a colleague created and invited the user to own with them.
    for n in range(3):
        imported = FirmFactory(name=f"Imported {n}", is_listed=False)
        claim = memberships.firm_claim_by_operators(user=user, firm=imported, message="I am a partner.")
        assert memberships.firm_claim_approve(claim=claim, decided_by=StaffFactory())
    colleagues = MembershipFactory(owner=True, firm=FirmFactory(is_listed=False))
    invitation = memberships.invitation_create(
        firm=colleagues.firm, email=user.email, role="owner", invited_by=colleagues.user
    )
    signed = memberships.invitation_link(invitation).rstrip("/").rsplit("/", 1)[1]
    memberships.invitation_accept(signed=signed, user=user)
    assert Membership.objects.filter(user=user, role="owner", firm__is_listed=False).count() == 4

    page = client.get(reverse("portal:firm_create"))
    response = client.post(reverse("portal:firm_create"), create_data)

    assert 'name="name"' in text_of(page)
    assert response.status_code == 302
    assert Membership.objects.get(user=user, firm__name="Harbin Data Law").role == "owner"


def test_listed_firms_and_memberships_do_not_count_toward_the_limit(client, user, create_data):
    for _ in range(3):
        MembershipFactory(user=user, owner=True)  # listed
    for _ in range(3):
        MembershipFactory(user=user, firm=FirmFactory(is_listed=False))  # not the owner

    response = client.post(reverse("portal:firm_create"), create_data)

    assert response.status_code == 302
    assert Firm.objects.filter(name="Harbin Data Law").exists()


# --- Finding a firm to claim ----------------------------------------------------------------------


def test_the_search_lists_listed_firms_whose_name_matches(client, user, listed, assert_valid_html):
    FirmFactory(name="Songhua Unlisted", is_listed=False)
    FirmFactory(name="Other Partners")
    managed = FirmFactory(name="Songhua Managed")
    MembershipFactory(firm=managed, owner=True)

    response = client.get(reverse("portal:firm_claim_search"), {"q": "songhua"})

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert [f.name for f in response.context["firms"]] == ["Songhua Managed", "Songhua River Law"]
    page = text_of(response)
    assert "Claim Songhua River Law" in page
    assert "Already managed" in page
    assert "Claim Songhua Managed" not in page
    assert "Ask our operators about Songhua Managed" in page
    assert reverse("portal:firm_claim", kwargs={"slug": "songhua"}) in page
    assert "Harbin" in page


@pytest.mark.parametrize("query", ["", "S", " s ", "\x00x"])
def test_the_search_needs_two_characters(client, user, listed, query):
    response = client.get(reverse("portal:firm_claim_search"), {"q": query})

    assert response.status_code == 200
    assert response.context["firms"] is None


def test_the_search_shows_at_most_twenty_firms_in_a_fixed_number_of_queries(
    client, user, django_assert_max_num_queries
):
    FirmFactory(name="Law Firm Few")
    client.get(reverse("portal:firm_claim_search"))  # the session's first touch is not the page's
    with django_assert_max_num_queries(6):
        few = client.get(reverse("portal:firm_claim_search"), {"q": "law firm"})
    for n in range(30):
        MembershipFactory(firm=FirmFactory(name=f"Law Firm {n:02d}"), owner=n % 2 == 0)
    with django_assert_max_num_queries(6):
        many = client.get(reverse("portal:firm_claim_search"), {"q": "law firm"})

    assert len(few.context["firms"]) == 1
    assert len(many.context["firms"]) == 20
    assert "Only the first 20 firms" in text_of(many)


# --- Claiming: the page and the two proofs --------------------------------------------------------


def test_the_claim_page_explains_both_proofs_with_the_email_masked(client, user, listed, assert_valid_html):
    response = client.get(reverse("portal:firm_claim", kwargs={"slug": "songhua"}))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = text_of(response)
    assert "We email a link to l•••@songhua-law.cn, the address we have on file for the firm." in page
    assert "li.na@" not in page
    assert 'value="email"' in page
    assert 'value="operators"' in page
    assert not FirmClaim.objects.exists()


def test_a_firm_without_email_offers_only_the_operators(client, user, harbin):
    FirmFactory(slug="no-mail", email="")

    response = client.get(reverse("portal:firm_claim", kwargs={"slug": "no-mail"}))
    refused = client.post(reverse("portal:firm_claim", kwargs={"slug": "no-mail"}), {"method": "email"})

    assert 'value="email"' not in text_of(response)
    assert 'value="operators"' in text_of(response)
    assert any("no email address" in m for m in messages_of(refused))
    assert not FirmClaim.objects.exists()
    assert not mail.outbox


def test_a_firm_with_an_owner_offers_only_the_operators(client, user, listed, django_capture_on_commit_callbacks):
    MembershipFactory(firm=listed, owner=True)

    response = client.get(reverse("portal:firm_claim", kwargs={"slug": "songhua"}))
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("portal:firm_claim", kwargs={"slug": "songhua"}), {"method": "email"})

    assert "already managed" in text_of(response)
    assert 'value="email"' not in text_of(response)
    assert any("already managed" in m for m in messages_of(refused))
    assert not FirmClaim.objects.exists()
    assert not mail.outbox


def test_an_unlisted_or_unknown_firm_cannot_be_claimed(client, user):
    FirmFactory(slug="hidden", is_listed=False, email="a@hidden.cn")

    for slug in ["hidden", "nowhere"]:
        assert client.get(reverse("portal:firm_claim", kwargs={"slug": slug})).status_code == 404
        assert client.post(reverse("portal:firm_claim", kwargs={"slug": slug}), {"method": "email"}).status_code == 404
    assert not FirmClaim.objects.exists()


def test_an_owner_is_sent_to_the_firm_instead(client, user, listed):
    MembershipFactory(user=user, firm=listed, owner=True)

    response = client.get(reverse("portal:firm_claim", kwargs={"slug": "songhua"}))

    assert response["Location"] == reverse("portal:dashboard", kwargs={"firm_slug": "songhua"})


def test_the_email_proof_sends_a_link_to_the_firms_listed_address(
    client, user, listed, django_capture_on_commit_callbacks
):
    # The clock stands still: the signed link carries the second it was made, and the one
    # rebuilt below must be made in the same second to be equal.
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:firm_claim", kwargs={"slug": "songhua"}), {"method": "email"})
        claim = FirmClaim.objects.get()
        expected_link = confirm_url(claim)

    assert response.status_code == 302
    assert (claim.firm, claim.user, claim.method, claim.status) == (listed, user, "email", "pending")
    assert [m.to for m in mail.outbox] == [["li.na@songhua-law.cn"]]
    message = mail.outbox[0]
    assert "Songhua River Law" in message.subject
    assert "wei.zhang@example.com" in message.body
    body = " ".join(message.body.split())
    assert "We sent this email to li.na@songhua-law.cn, the address we have on file for the firm" in body
    assert "not listed" not in body
    assert link_in(message).endswith(expected_link)
    assert expected_link in message.alternatives[0][0]
    assert not Membership.objects.filter(firm=listed).exists()
    page = client.get(response["Location"])
    assert any("l•••@songhua-law.cn" in m for m in messages_of(page))


def test_one_pending_claim_per_person_and_firm(client, user, listed, django_capture_on_commit_callbacks):
    url = reverse("portal:firm_claim", kwargs={"slug": "songhua"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"method": "email"})
        again = client.post(url, {"method": "email"})
        operators = client.post(url, {"method": "operators", "message": "I am a partner."})

    assert FirmClaim.objects.count() == 1
    assert len(mail.outbox) == 1
    assert any("already asked" in m for m in messages_of(again))
    assert any("already asked" in m for m in messages_of(operators))


def test_an_expired_unused_link_does_not_block_a_new_one(client, user, listed, django_capture_on_commit_callbacks):
    FirmClaim.objects.create(
        user=user, firm=listed, method="email", created_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:firm_claim", kwargs={"slug": "songhua"}), {"method": "email"})

    assert sorted(FirmClaim.objects.values_list("status", flat=True)) == ["pending", "rejected"]
    assert len(mail.outbox) == 1


def test_the_operators_proof_needs_a_message(client, user, listed):
    response = client.post(reverse("portal:firm_claim", kwargs={"slug": "songhua"}), {"method": "operators"})

    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert not FirmClaim.objects.exists()


def test_the_operators_proof_stores_a_claim_for_them(
    client, user, listed, settings, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("Operators", "ops@lawzana.example")]
    MembershipFactory(firm=listed, owner=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:firm_claim", kwargs={"slug": "songhua"}),
            {"method": "operators", "message": "I am a partner; call the front desk."},
        )

    claim = FirmClaim.objects.get()
    assert response.status_code == 302
    assert (claim.method, claim.status, claim.message) == (
        "operators",
        "pending",
        "I am a partner; call the front desk.",
    )
    assert [m.to for m in mail.outbox] == [["ops@lawzana.example"]]
    home = client.get(reverse("portal:home"))
    assert "Songhua River Law" in text_of(home)


def test_an_unknown_proof_is_refused(client, user, listed):
    response = client.post(reverse("portal:firm_claim", kwargs={"slug": "songhua"}), {"method": "fax"})

    assert response.status_code == 400
    assert not FirmClaim.objects.exists()


# --- Confirming the emailed link ------------------------------------------------------------------


@pytest.fixture
def claim(user, listed):
    return FirmClaim.objects.create(user=user, firm=listed, method=FirmClaim.Method.EMAIL)


def test_the_link_shows_what_will_happen_and_changes_nothing(client, claim, assert_valid_html):
    response = client.get(confirm_url(claim))

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert "becomes an owner of Songhua River Law" in text_of(response)
    claim.refresh_from_db()
    assert claim.status == "pending"
    assert not Membership.objects.exists()


def test_confirming_makes_the_claimant_an_owner(client, user, claim, listed):
    response = client.post(confirm_url(claim))

    claim.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard", kwargs={"firm_slug": "songhua"})
    assert claim.status == "approved"
    assert claim.decided_by == user
    assert claim.decided_at is not None
    assert Membership.objects.get(firm=listed, user=user).role == "owner"


def test_a_claim_link_used_twice_changes_nothing_the_second_time(client, user, claim, listed, assert_valid_html):
    client.post(confirm_url(claim))
    Membership.objects.filter(user=user).update(role="member")  # e.g. changed since

    again = client.post(confirm_url(claim))
    page = client.get(confirm_url(claim))

    assert again.status_code == 410
    assert "already been used" in text_of(again)
    assert page.status_code == 410
    assert_valid_html(page.content)
    assert Membership.objects.get(user=user).role == "member"
    assert FirmClaim.objects.get().status == "approved"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_changed_link_is_refused(client, claim, method):
    signed = claim_token(claim)

    for bad in [signed[:-2] + "xx", "nonsense", signing.dumps(claim.pk, salt="another.salt")]:
        response = getattr(client, method)(reverse("portal:claim_confirm", kwargs={"signed": bad}))

        assert response.status_code == 400
        assert "incomplete or was changed" in text_of(response)
    assert FirmClaim.objects.get().status == "pending"
    assert not Membership.objects.exists()


def test_an_expired_link_is_refused(client, claim):
    # Signed 3 days and a minute ago (travelling forward instead would end the session).
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3, minutes=1), tick=False):
        url = confirm_url(claim)

    response = client.post(url)

    assert response.status_code == 410
    assert "expired" in text_of(response)
    assert FirmClaim.objects.get().status == "pending"
    assert not Membership.objects.exists()


def test_a_claim_already_decided_is_refused(client, claim):
    claim.status = FirmClaim.Status.REJECTED
    claim.decision_note = "Not a lawyer there."
    claim.save()

    response = client.post(confirm_url(claim))

    assert response.status_code == 410
    assert "already been decided" in text_of(response)
    assert not Membership.objects.exists()


def test_another_signed_in_user_cannot_use_the_link(client, claim):
    other = FirmUserFactory()
    client.force_login(other)

    page = client.get(confirm_url(claim))
    response = client.post(confirm_url(claim))

    assert page.status_code == response.status_code == 403
    assert "belongs to another account" in text_of(response)
    assert FirmClaim.objects.get().status == "pending"
    assert not Membership.objects.exists()


def test_the_link_is_refused_once_someone_else_owns_the_firm(client, claim, listed):
    MembershipFactory(firm=listed, owner=True)

    response = client.post(confirm_url(claim))

    assert response.status_code == 409
    assert FirmClaim.objects.get().status == "pending"
    assert Membership.objects.filter(firm=listed).count() == 1


def test_an_operators_claim_cannot_be_confirmed_by_a_link(client, user, listed):
    claim = FirmClaim.objects.create(user=user, firm=listed, method=FirmClaim.Method.OPERATORS, message="Hi")

    response = client.post(confirm_url(claim))

    assert response.status_code == 400
    assert not Membership.objects.exists()


# --- Operators decide claims in the admin ---------------------------------------------------------

CLAIMS = "admin:directory_firmclaim_changelist"


@pytest.fixture
def operator(db):
    return SuperuserFactory()


def act(client, action, claims, **extra):
    data = {"action": action, "_selected_action": [str(c.pk) for c in claims], "index": "0", **extra}
    return client.post(reverse(CLAIMS), data, follow=True)


def test_operators_approve_a_claim_and_the_claimant_hears(
    client, operator, listed, django_capture_on_commit_callbacks
):
    claimant = FirmUserFactory(email="claimant@example.com")
    claim = FirmClaim.objects.create(user=claimant, firm=listed, method="operators", message="Partner since 2010.")
    client.force_login(operator)

    changelist = client.get(reverse(CLAIMS))
    with django_capture_on_commit_callbacks(execute=True):
        act(client, "approve_claims", [claim], note="Called the firm.")

    claim.refresh_from_db()
    assert changelist.status_code == 200
    assert "Songhua River Law" in text_of(changelist)
    assert (claim.status, claim.decided_by, claim.decision_note) == ("approved", operator, "Called the firm.")
    assert Membership.objects.get(user=claimant, firm=listed).role == "owner"
    assert [m.to for m in mail.outbox] == [["claimant@example.com"]]
    assert "You now manage Songhua River Law" in mail.outbox[0].subject


def test_operators_reject_a_claim_only_with_a_note(client, operator, listed, django_capture_on_commit_callbacks):
    claim = FirmClaim.objects.create(user=FirmUserFactory(), firm=listed, method="operators", message="Hello")
    client.force_login(operator)

    without = act(client, "reject_claims", [claim])
    claim.refresh_from_db()
    assert claim.status == "pending"
    assert "Write why" in text_of(without)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, "reject_claims", [claim], note="Nobody at the firm knows you.")

    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == ("rejected", "Nobody at the firm knows you.")
    assert not Membership.objects.exists()
    assert "Nobody at the firm knows you." in mail.outbox[0].body


def test_a_decided_claim_is_left_as_it_was(client, operator, listed):
    claim = FirmClaim.objects.create(
        user=FirmUserFactory(), firm=listed, method="operators", status="rejected", decision_note="No."
    )
    client.force_login(operator)

    response = act(client, "approve_claims", [claim])

    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert not Membership.objects.exists()
    assert "already decided" in text_of(response)


def test_claims_and_invitations_are_read_only_in_the_admin(client, operator, listed):
    claim = FirmClaim.objects.create(user=FirmUserFactory(), firm=listed, method="operators", message="Hi")
    invitation = Invitation.objects.create(
        firm=listed, email="a@example.com", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(operator)

    assert client.get(reverse("admin:directory_firmclaim_add")).status_code == 403
    assert client.get(reverse("admin:directory_invitation_add")).status_code == 403
    assert client.get(reverse("admin:directory_invitation_changelist")).status_code == 200
    page = client.get(reverse("admin:directory_invitation_change", args=[invitation.pk]))
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    client.post(reverse("admin:directory_firmclaim_change", args=[claim.pk]), {"status": "approved"})
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_the_portal_home_of_a_user_without_a_firm_offers_both_ways_in(client, user, assert_valid_html):
    FirmClaim.objects.create(user=user, firm=FirmFactory(name="Pending Partners"), method="operators", message="Hi")

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = text_of(response)
    assert reverse("portal:firm_claim_search") in page
    assert reverse("portal:firm_create") in page
    assert "Pending Partners" in page


def test_a_tagline_typed_on_the_chinese_page_is_kept_as_the_chinese_one(client, user, create_data, harbin, cyber_law):
    with translation.override("zh-hans"):
        url = reverse("portal:firm_create")
    client.post(url, {**create_data, "tagline": "哈尔滨的数据合规与争议解决"})

    firm = Firm.objects.get(name="Harbin Data Law")
    assert (firm.tagline, firm.tagline_zh_hans) == ("", "哈尔滨的数据合规与争议解决")
