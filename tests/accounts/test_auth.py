"""Signing in, two factors, sessions and the admin's front door (docs/reliability.md A7-A9)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EditorFactory,
    FirmUserFactory,
    StaffFactory,
    UserFactory,
    email_verify,
    mfa_enable,
    totp_code,
)

PASSWORD = "a-long-test-password-1"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def verified_user(**kwargs):
    return email_verify(UserFactory(**kwargs))


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_needs_a_confirmed_email_before_signing_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@firm.example", "password1": "Harbin-cyber-2026!", "password2": "Harbin-cyber-2026!"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not client.get(reverse("portal:home")).wsgi_request.user.is_authenticated
    assert [message.to for message in mail.outbox] == [["new@firm.example"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    # Opening the link only shows a button: a mail scanner fetching it confirms nothing.
    assert client.get(f"/{path}").status_code == 200
    user = get_user_model().objects.get(email="new@firm.example")
    assert not user.emailaddress_set.get().verified
    client.post(f"/{path}")
    assert user.emailaddress_set.get().verified
    assert sign_in(Client(), "new@firm.example", "Harbin-cyber-2026!").status_code == 302


def test_a_common_password_is_refused(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@firm.example", "password1": "qwerty123456", "password2": "qwerty123456"},
    )

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not get_user_model().objects.filter(email="new@firm.example").exists()


def test_password_reset_answers_the_same_for_unknown_addresses(client):
    verified_user(email="known@firm.example")

    known = client.post(reverse("account_reset_password"), {"email": "known@firm.example"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@firm.example"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_the_sixth_failed_sign_in_within_five_minutes_is_refused_with_429(client):
    verified_user(email="target@firm.example")
    statuses = [sign_in(client, "target@firm.example", "wrong-password-guess").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    # Even the right password waits: the account is locked for the window.
    assert sign_in(client, "target@firm.example").status_code == 429


def test_signing_in_with_two_factors_asks_for_the_code_then_rotates_the_session(client):
    user = mfa_enable(verified_user(email="lawyer@firm.example"))
    client.get(reverse("account_login"))
    anonymous_key = client.cookies.get(settings.SESSION_COOKIE_NAME)

    response = sign_in(client, user.email)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("portal:home")).wsgi_request.user.is_authenticated
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).wsgi_request.user == user
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != getattr(anonymous_key, "value", None)


def test_after_sign_out_the_old_session_cookie_is_worthless(client):
    user = FirmUserFactory()
    client.force_login(user)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    # GET only asks for confirmation; sign-out happens on POST.
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get(reverse("portal:home")).wsgi_request.user == user
    client.post(reverse("account_logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_deactivated_user_is_signed_out_everywhere(client):
    user = FirmUserFactory()
    client.force_login(user)
    user.is_active = False
    user.save()

    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_changing_the_password_ends_the_other_sessions(client):
    user = verified_user(email="lawyer@firm.example")
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "A-new-long-password-2", "password2": "A-new-long-password-2"},
    )

    assert response.status_code == 302
    assert client.get(reverse("portal:home")).wsgi_request.user == user
    assert not other_device.get(reverse("portal:home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("pause", "signed_out"),
    [(timedelta(minutes=29), False), (timedelta(minutes=31), True)],
)
def test_an_idle_session_ends_after_thirty_minutes(client, pause, signed_out):
    user = FirmUserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        client.get(reverse("portal:home"))
        clock.shift(pause)
        response = client.get(reverse("portal:home"))

    assert (response.status_code == 302 and "/accounts/login/" in response["Location"]) is signed_out


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(client):
    user = FirmUserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        for _ in range(12 * 3 + 1):  # a request every 20 minutes for just over 12 hours
            client.get(reverse("portal:home"))
            clock.shift(timedelta(minutes=20))
        response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_sign_in_code_works_once_and_expires_after_three_minutes(client):
    user = verified_user(email="lawyer@firm.example")

    def request_code(browser):
        browser.post(reverse("account_request_login_code"), {"email": user.email})
        return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)

    code = request_code(client)
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    assert client.get(reverse("portal:home")).wsgi_request.user == user
    client.post(reverse("account_logout"))
    # The same code again: there is no pending sign-in to complete any more.
    reused = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert not client.get(reverse("portal:home")).wsgi_request.user.is_authenticated
    assert reused.status_code in {200, 302}

    late = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        code = request_code(late)
        clock.shift(timedelta(seconds=181))
        late.post(reverse("account_confirm_login_code"), {"code": code})
        assert not late.get(reverse("portal:home")).wsgi_request.user.is_authenticated


def test_changing_the_email_asks_for_the_password_again(client):
    user = verified_user(email="lawyer@firm.example")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, user.email)
        clock.shift(timedelta(minutes=10))
        response = client.post(reverse("account_email"), {"action_add": "", "email": "other@firm.example"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not user.emailaddress_set.filter(email="other@firm.example").exists()


# The admin's front door (A7)


def test_the_admin_is_not_at_slash_admin():
    assert settings.ADMIN_URL.strip("/") != "admin"


def test_signed_out_visitors_of_the_admin_go_through_the_sites_sign_in(client):
    for path in [f"/{settings.ADMIN_URL}", f"/{settings.ADMIN_URL}login/"]:
        response = client.get(path, follow=True)
        assert response.request["PATH_INFO"] == reverse("account_login")
        assert "next=" in response.redirect_chain[-1][0]


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client):
    client.force_login(StaffFactory(mfa=False, is_superuser=True))

    response = client.get(f"/{settings.ADMIN_URL}")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_a_second_factor_reach_the_admin(client):
    client.force_login(EditorFactory())

    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200


def test_firm_users_get_no_admin(client):
    client.force_login(FirmUserFactory())

    for path in ["", "intake/lead/", "directory/firm/"]:
        response = client.get(f"/{settings.ADMIN_URL}{path}", follow=True)
        assert response.status_code == 403


def test_the_portal_explains_why_a_second_factor_is_needed(client, assert_valid_html):
    client.force_login(FirmUserFactory(mfa=False))

    response = client.get(reverse("portal:mfa_required"))

    assert response.status_code == 200
    assert reverse("mfa_activate_totp") in response.content.decode()
    assert_valid_html(response.content)


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_are_valid_html_in_the_sites_layout(client, assert_valid_html, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()
    assert_valid_html(response.content)


def test_the_account_bar_appears_for_a_signed_in_user_only(client):
    # An empty bar under the header showed on every signed-out account page.
    assert 'class="account-bar"' not in client.get(reverse("account_login")).content.decode()

    client.force_login(FirmUserFactory())

    page = client.get(reverse("account_email")).content.decode()
    assert 'class="account-bar"' in page and "Two-factor authentication" in page
