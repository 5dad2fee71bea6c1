"""Behind the TLS proxy every request comes from the proxy's address; the client's is in the
header the proxy overwrites (CLIENT_IP_META_KEY). Sign-in's limits count per client, so one
client's failures never lock out another: for sign-in, sign-in by emailed code, sign-up,
password reset and the second factor."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from lawzana import security
from tests.factories import UserFactory, email_verify, mfa_enable

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"
ATTACKER, SOMEONE_ELSE = "203.0.113.7", "198.51.100.23"


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Small limits per address, so that a few requests reach them; the per-account part of
    # each stays out of the way (every attempt names another account).
    settings.ACCOUNT_RATE_LIMITS = {
        "login_failed": "3/m/ip",
        "request_login_code": "3/m/ip",
        "signup": "3/m/ip",
        "reset_password": "3/m/ip",
    }


def from_address(address):
    """A browser behind the proxy: REMOTE_ADDR is always the proxy's, as it is in production."""
    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP=address)


def verified_user(**kwargs):
    user = UserFactory(**kwargs)
    user.set_password(PASSWORD)
    user.save()
    return email_verify(user)


def test_failed_sign_ins_from_one_client_leave_another_able_to_sign_in():
    attacker = from_address(ATTACKER)
    for n in range(5):
        attacker.post(reverse("account_login"), {"login": f"victim{n}@firm.example", "password": "wrong-password-1"})
    refused = attacker.post(reverse("account_login"), {"login": "victim9@firm.example", "password": "wrong-1234567"})
    user = verified_user(email="lina@firm.example")

    response = from_address(SOMEONE_ELSE).post(
        reverse("account_login"), {"login": "lina@firm.example", "password": PASSWORD}
    )

    assert refused.status_code == 429
    assert response.status_code == 302
    assert response.wsgi_request.user == user


def test_sign_in_codes_asked_by_one_client_leave_another_able_to_ask():
    for n in range(3):
        verified_user(email=f"member{n}@firm.example")
    verified_user(email="lina@firm.example")
    attacker = from_address(ATTACKER)
    for n in range(3):
        attacker.post(reverse("account_request_login_code"), {"email": f"member{n}@firm.example"})
        attacker.cookies.clear()  # each a new sign-in, as a script would start
    refused = attacker.post(reverse("account_request_login_code"), {"email": "lina@firm.example"})

    response = from_address(SOMEONE_ELSE).post(reverse("account_request_login_code"), {"email": "lina@firm.example"})

    assert refused.status_code != 302  # allauth shows the form again, with its refusal
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")


def test_sign_ups_from_one_client_leave_another_able_to_sign_up():
    attacker = from_address(ATTACKER)
    for n in range(3):
        attacker.post(
            reverse("account_signup"),
            {"email": f"spam{n}@example.com", "password1": "Harbin-cyber-2026!", "password2": "Harbin-cyber-2026!"},
        )
    refused = attacker.post(
        reverse("account_signup"),
        {"email": "spam9@example.com", "password1": "Harbin-cyber-2026!", "password2": "Harbin-cyber-2026!"},
    )

    response = from_address(SOMEONE_ELSE).post(
        reverse("account_signup"),
        {"email": "lina@firm.example", "password1": "Harbin-cyber-2026!", "password2": "Harbin-cyber-2026!"},
    )

    assert refused.status_code == 429
    assert response.status_code == 302


def test_password_resets_asked_by_one_client_leave_another_able_to_ask():
    attacker = from_address(ATTACKER)
    for n in range(3):
        attacker.post(reverse("account_reset_password"), {"email": f"victim{n}@firm.example"})
    refused = attacker.post(reverse("account_reset_password"), {"email": "victim9@firm.example"})

    response = from_address(SOMEONE_ELSE).post(reverse("account_reset_password"), {"email": "lina@firm.example"})

    assert refused.status_code == 429
    assert response.status_code == 302


def test_wrong_second_factors_from_one_client_leave_another_able_to_finish_signing_in(settings):
    from tests.factories import totp_code

    attacker = from_address(ATTACKER)
    for n in range(4):
        victim = mfa_enable(verified_user(email=f"victim{n}@firm.example"))
        attacker.post(reverse("account_login"), {"login": victim.email, "password": PASSWORD})
        attacker.post(reverse("mfa_authenticate"), {"code": "000000"})
        attacker.cookies.clear()
    user = mfa_enable(verified_user(email="lina@firm.example"))
    other = from_address(SOMEONE_ELSE)
    other.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    response = other.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert response.status_code == 302
    assert other.get(reverse("portal:home")).wsgi_request.user == user


def test_a_missing_proxy_header_falls_back_to_the_peer_and_says_so_once(client, caplog, monkeypatch):
    monkeypatch.setattr(security, "_missing_client_ip_logged", [False])
    request = Client(REMOTE_ADDR="192.0.2.44").get("/").wsgi_request

    with caplog.at_level(logging.ERROR, logger="lawzana.csp"):
        first = security.client_ip(request)
        second = security.client_ip(request)

    assert first == second == "192.0.2.44"
    assert [r.getMessage() for r in caplog.records].count(
        "client_ip_missing meta_key=HTTP_X_REAL_IP: the proxy did not send it; limits key on REMOTE_ADDR instead"
    ) == 1


def test_a_forged_or_garbled_header_is_not_an_address(client, monkeypatch):
    monkeypatch.setattr(security, "_missing_client_ip_logged", [True])
    for value in ["", "not an address", "1.2.3.4, 5.6.7.8", "999.1.1.1"]:
        request = Client(REMOTE_ADDR="192.0.2.44", HTTP_X_REAL_IP=value).get("/").wsgi_request
        assert security.client_ip(request) == "192.0.2.44", value
