"""The authenticator app's code: what a person is told when it cannot be taken (accounts/forms.py)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory, email_verify, mfa_enable, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"
# The middle of a 30-second period: a code typed now stays the app's code for 15 seconds.
NOW = datetime.datetime(2025, 6, 15, 10, 0, 15, tzinfo=datetime.UTC)
REUSED = "This code was already used. Wait for your app to show a new one."


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user():
    user = mfa_enable(email_verify(UserFactory(email="lawyer@firm.example")))
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def password_step(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")


def wrong_code():
    return "000000" if totp_code() != "000000" else "111111"


def code_errors(response):
    return response.context["form"].errors.get("code", [])


def test_a_code_used_to_sign_in_is_refused_the_second_time_as_already_used(client, user):
    with time_machine.travel(NOW, tick=False):
        password_step(client, user)
        code = totp_code()
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        client.post(reverse("account_logout"))

        password_step(client, user)
        again = client.post(reverse("mfa_authenticate"), {"code": code})

    assert again.status_code == 200
    assert code_errors(again) == [REUSED]
    assert REUSED in again.content.decode()


def test_a_wrong_code_is_still_called_incorrect(client, user):
    with time_machine.travel(NOW, tick=False):
        password_step(client, user)
        wrong = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})

    assert code_errors(wrong) == ["Incorrect code."]


def test_after_five_wrong_codes_the_lockout_says_how_long_it_lasts(client, user):
    with time_machine.travel(NOW, tick=False):
        wrong = wrong_code()
        password_step(client, user)
        errors = [code_errors(client.post(reverse("mfa_authenticate"), {"code": wrong})) for _ in range(5)]
        locked = client.post(reverse("mfa_authenticate"), {"code": wrong})
    with time_machine.travel(NOW + datetime.timedelta(minutes=2, seconds=10), tick=False):
        later = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    with time_machine.travel(NOW + datetime.timedelta(minutes=4, seconds=30), tick=False):
        last_minute = client.post(reverse("mfa_authenticate"), {"code": wrong})
    with time_machine.travel(NOW + datetime.timedelta(minutes=5, seconds=1), tick=False):
        after = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert errors == [["Incorrect code."]] * 5
    assert code_errors(locked) == ["Too many wrong codes. Try again in 5 minutes."]
    assert "Try again in 5 minutes." in locked.content.decode()
    # Even the right code waits, and the time left counts down.
    assert code_errors(later) == ["Too many wrong codes. Try again in 3 minutes."]
    assert code_errors(last_minute) == ["Too many wrong codes. Try again in 1 minute."]
    assert after.status_code == 302


def test_reauthenticating_with_a_used_code_says_it_was_already_used(client, user):
    with time_machine.travel(NOW, tick=False):
        password_step(client, user)
        code = totp_code()
        client.post(reverse("mfa_authenticate"), {"code": code})

        again = client.post(reverse("mfa_reauthenticate"), {"code": code})

    assert code_errors(again) == [REUSED]


def test_setting_up_the_app_after_five_wrong_codes_says_how_long_to_wait(client):
    user = email_verify(UserFactory(email="new@firm.example"))
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # setting up asks for it
        client.get(reverse("mfa_activate_totp"))
        for _ in range(5):
            client.post(reverse("mfa_activate_totp"), {"code": "000000"})
        locked = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert code_errors(locked) == ["Too many wrong codes. Try again in 5 minutes."]


def test_the_code_that_just_changed_is_still_taken_but_not_an_older_one(client, user):
    with time_machine.travel(NOW - datetime.timedelta(seconds=30), tick=False):
        previous = totp_code()
    with time_machine.travel(NOW - datetime.timedelta(seconds=90), tick=False):
        older = totp_code()
    with time_machine.travel(NOW, tick=False):
        password_step(client, user)
        stale = client.post(reverse("mfa_authenticate"), {"code": older})
        typed_as_it_changed = client.post(reverse("mfa_authenticate"), {"code": previous})

    assert code_errors(stale) == ["Incorrect code."]
    assert typed_as_it_changed.status_code == 302
