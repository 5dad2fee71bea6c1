"""An imported firm (unlisted, nobody manages it, usually with an email address) is claimed
through the link operators send it (directory.services.memberships.claim_invite_url): the link
opens the claim page, the person still proves that they work there, and the firm stays
unlisted until operators verify and list it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from directory.models import FirmClaim, Membership
from directory.services import memberships
from tests.factories import FirmFactory, FirmUserFactory, MembershipFactory, SuperuserFactory, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


def text_of(response):
    return " ".join(response.content.decode().split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def path_of(url):
    """The invite link without the site's origin, as the test client requests it."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def token_of(url):
    return parse_qs(urlsplit(url).query)["invite"][0]


def claim_page(firm):
    return reverse("portal:firm_claim", kwargs={"slug": firm.slug})


@pytest.fixture
def imported(harbin):
    """As the import leaves a firm: unlisted, unverified, no members."""
    return FirmFactory(
        name="Hulan River Law", slug="hulan-river-law", email="office@hulan-law.cn", is_listed=False, cities=[harbin]
    )


@pytest.fixture
def user(client):
    user = FirmUserFactory(email="zhao.min@example.com")
    client.force_login(user)
    return user


def test_the_invite_link_is_an_absolute_address_of_the_claim_page(settings, imported):
    settings.SITE_URL = "https://lawzana.example"

    url = memberships.claim_invite_url(imported)

    assert url.startswith("https://lawzana.example/portal/claim/hulan-river-law/?invite=")
    assert memberships.claim_invite_valid(imported, token_of(url))


def test_a_signed_out_visitor_follows_the_invite_signs_in_and_is_back_on_the_claim_page(settings, imported):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = FirmUserFactory(email="zhao.min@example.com")
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    invite = path_of(memberships.claim_invite_url(imported))

    to_sign_in = client.get(invite)
    assert to_sign_in.status_code == 302
    sign_in = to_sign_in["Location"]
    assert sign_in.startswith("/accounts/login/?next=")
    second_factor = client.post(sign_in, {"login": user.email, "password": PASSWORD})
    assert second_factor["Location"] == reverse("mfa_authenticate")
    back = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert back.status_code == 302
    assert back["Location"] == invite
    page = client.get(back["Location"])
    assert page.status_code == 200
    assert "Claim Hulan River Law" in text_of(page)


def test_a_firm_user_without_a_second_factor_keeps_the_invite_while_setting_one_up(client, imported):
    client.force_login(FirmUserFactory(mfa=False))
    invite = path_of(memberships.claim_invite_url(imported))

    response = client.get(invite)

    assert response.status_code == 302
    next_page = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert next_page == invite


def test_the_invited_claim_page_says_the_firm_is_not_listed_and_keeps_the_invite(
    client, user, imported, assert_valid_html
):
    url = memberships.claim_invite_url(imported)

    response = client.get(path_of(url))

    assert response.status_code == 200
    assert_valid_html(response.content)
    text = text_of(response)
    assert "This firm is not listed on Lawzana yet" in text
    # Where the link goes, without a "listed" address the firm does not have.
    assert "We email a link to o•••@hulan-law.cn, the address we have on file for the firm." in text
    assert "office@" not in text
    assert "listed for the firm" not in text
    assert text.count(f'name="invite" value="{token_of(url)}"') == 2  # both ways of proving
    assert "Back to the search" not in text


def test_claiming_an_imported_firm_by_email_makes_the_claimant_its_owner_and_leaves_it_unlisted(
    client, user, imported, django_capture_on_commit_callbacks
):
    token = token_of(memberships.claim_invite_url(imported))

    # Posted as the page's form does: the invite in its hidden field.
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(claim_page(imported), {"method": "email", "invite": token})

    claim = FirmClaim.objects.get()
    assert sent.status_code == 302
    assert (claim.firm, claim.user, claim.method, claim.status) == (imported, user, "email", "pending")
    assert [m.to for m in mail.outbox] == [["office@hulan-law.cn"]]
    body, html = " ".join(mail.outbox[0].body.split()), " ".join(mail.outbox[0].alternatives[0][0].split())
    for text in (body, html):
        assert "We sent this email to office@hulan-law.cn, the address we have on file for the firm" in text
        assert "The firm is not listed on Lawzana yet: its profile stays hidden" in text
        assert "listed for" not in text
    assert "the address Lawzana has on file for Hulan River Law" in html
    link = re.search(r"http://\S+/portal/claim/confirm/\S+/", mail.outbox[0].body).group(0)
    confirm = urlsplit(link).path
    assert client.get(confirm).status_code == 200

    confirmed = client.post(confirm, follow=True)

    assert confirmed.redirect_chain[0][0] == reverse("portal:dashboard", kwargs={"firm_slug": "hulan-river-law"})
    assert Membership.objects.get(user=user, firm=imported).role == "owner"
    imported.refresh_from_db()
    assert not imported.is_listed
    assert imported.verified_on is None
    assert any(
        "You now manage Hulan River Law on Lawzana. Our operators verify the firm before it is listed" in m
        for m in messages_of(confirmed)
    )
    assert "Your firm is not listed yet" in text_of(confirmed)


def test_claiming_an_imported_firm_through_the_operators(
    client, user, imported, settings, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("Operators", "ops@lawzana.example")]
    token = token_of(memberships.claim_invite_url(imported))

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            f"{claim_page(imported)}?invite={token}",
            {"method": "operators", "invite": token, "message": "I am a partner; call the front desk."},
        )

    claim = FirmClaim.objects.get()
    assert asked.status_code == 302
    assert (claim.firm, claim.method, claim.status) == (imported, "operators", "pending")
    assert [m.to for m in mail.outbox] == [["ops@lawzana.example"]]
    operator = Client()
    operator.force_login(SuperuserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(
            reverse("admin:directory_firmclaim_changelist"),
            {"action": "approve_claims", "_selected_action": [str(claim.pk)], "index": "0", "note": "Called them."},
        )

    claim.refresh_from_db()
    imported.refresh_from_db()
    assert claim.status == "approved"
    assert Membership.objects.get(user=user, firm=imported).role == "owner"
    assert not imported.is_listed
    decided = mail.outbox[-1]
    assert decided.to == [user.email]
    assert "Your firm is not listed yet" in " ".join(decided.body.split())
    assert "Your firm is not listed yet" in decided.alternatives[0][0]


def test_an_operators_claim_without_a_message_keeps_the_invite_on_the_page_again(client, user, imported):
    token = token_of(memberships.claim_invite_url(imported))

    response = client.post(claim_page(imported), {"method": "operators", "invite": token})

    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert f'name="invite" value="{token}"' in response.content.decode()


def _other_firms_token(imported):
    return token_of(memberships.claim_invite_url(FirmFactory(is_listed=False, slug="other-firm")))


def _tampered(imported):
    token = token_of(memberships.claim_invite_url(imported))
    return token[:-1] + ("A" if token[-1] != "A" else "B")


BAD_INVITES = {
    "none": lambda firm: None,
    "empty": lambda firm: "",
    "tampered": _tampered,
    "another firm's": _other_firms_token,
    "a claim link's token": lambda firm: signing.dumps(firm.pk, salt=memberships.CLAIM_SALT),
    "the right firm, another slug": lambda firm: signing.Signer(salt=memberships.CLAIM_INVITE_SALT).sign_object(
        [firm.pk, "old-slug"]
    ),
    "the right firm, another salt": lambda firm: signing.Signer(salt="elsewhere").sign_object([firm.pk, firm.slug]),
    "a timestamped one": lambda firm: signing.dumps([firm.pk, firm.slug], salt=memberships.CLAIM_INVITE_SALT),
    "garbage": lambda firm: "not-a-token:at:all",
}


@pytest.mark.parametrize("kind", BAD_INVITES)
def test_an_unlisted_firm_without_its_own_invite_is_not_found(client, user, imported, kind):
    invite = BAD_INVITES[kind](imported)
    query = "" if invite is None else f"?invite={invite}"
    data = {"method": "email"} if invite is None else {"method": "email", "invite": invite}

    assert client.get(claim_page(imported) + query).status_code == 404
    assert client.post(claim_page(imported), data).status_code == 404
    assert client.post(claim_page(imported) + query, {"method": "email"}).status_code == 404
    assert not FirmClaim.objects.exists()
    assert not mail.outbox


def test_a_listed_firm_is_claimed_as_before_whatever_the_invite(client, user, harbin):
    listed = FirmFactory(name="Songhua River Law", slug="songhua", email="li.na@songhua-law.cn", cities=[harbin])

    assert client.get(claim_page(listed)).status_code == 200
    assert client.get(claim_page(listed) + "?invite=nonsense").status_code == 200
    assert 'name="invite"' not in text_of(client.get(claim_page(listed) + "?invite=nonsense"))


def test_the_search_does_not_list_an_imported_firm(client, user, imported):
    response = client.get(reverse("portal:firm_claim_search"), {"q": "Hulan"})

    assert response.status_code == 200
    assert response.context["firms"] == []
    assert "hulan-river-law" not in response.content.decode()


def test_the_admin_shows_the_claim_link_of_a_firm_nobody_manages(client, imported):
    client.force_login(SuperuserFactory())

    page = client.get(reverse("admin:directory_firm_change", args=[imported.pk]))

    assert page.status_code == 200
    assert "Claim link" in text_of(page)
    assert memberships.claim_invite_url(imported) in page.content.decode()


def test_the_admin_shows_no_claim_link_once_the_firm_has_an_owner(client, imported):
    MembershipFactory(firm=imported, owner=True)
    client.force_login(SuperuserFactory())

    page = client.get(reverse("admin:directory_firm_change", args=[imported.pk]))

    assert "Managed by its owner in the portal." in text_of(page)
    assert "?invite=" not in page.content.decode()
    assert client.get(reverse("admin:directory_firm_add")).status_code == 200
