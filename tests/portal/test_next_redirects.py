"""A ?next= address brings people back within the site, never elsewhere, and a strange one is
ignored rather than a 500: on the portal's second-factor page and on sign-in."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import FirmUserFactory, MembershipFactory, email_verify

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,hi",
    " //evil.example",
]
STRANGE = ["home", "portal:home", "a\x00b", "/ok\x00", "/\r\nSet-Cookie: x=1", "x" * 5000, ""]


@pytest.fixture
def firm_user(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.mark.parametrize("target", [*ELSEWHERE, *STRANGE])
def test_the_second_factor_page_never_sends_anyone_off_the_site_or_fails(client, firm_user, target):
    response = Client(raise_request_exception=False)
    response.force_login(firm_user.user)

    answer = response.get(reverse("portal:mfa_required"), {"next": target})

    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example" not in location


def test_the_second_factor_page_brings_people_back_where_they_were(client, firm_user):
    inbox = reverse("portal:inbox", kwargs={"firm_slug": firm_user.firm.slug})

    answer = client.get(reverse("portal:mfa_required"), {"next": inbox})

    assert answer["Location"] == inbox


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_sends_anyone_off_the_site(settings, target):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = email_verify(FirmUserFactory())
    user.set_password("a-long-test-password-1")
    user.save()
    client = Client(raise_request_exception=False)

    answer = client.post(
        f"{reverse('account_login')}?next={target}", {"login": user.email, "password": "a-long-test-password-1"}
    )

    assert answer.status_code in (200, 302)
    assert "evil.example" not in answer.get("Location", "")
