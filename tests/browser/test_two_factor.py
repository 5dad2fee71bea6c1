"""The second step of signing in says why a code was refused: one already used, or too many wrong
ones, and then for how long (accounts/forms.py)."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in
from tests.factories import totp_code

pytestmark = pytest.mark.browser


def test_a_reused_code_and_a_lockout_are_told_as_they_are(people, market):
    from allauth.mfa import app_settings

    page = people.open("firm owner")
    page.set_viewport_size({"width": 390, "height": 844})
    # Both sign-ins below fall within one period of the app's code.
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 20:
        time.sleep(remaining + 0.2)
    sign_in(page, email=market.lawyer.email, next_url="/portal/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Two-Factor Authentication")
    used = totp_code()
    page.goto("/accounts/logout/")
    page.get_by_role("main").get_by_role("button", name="Sign Out").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(market.lawyer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label("Code", exact=True)
    code.fill(used)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This code was already used. Wait for your app to show a new one.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    people.shot(page, "code already used")

    wrong = "000000" if used != "000000" else "111111"
    for _ in range(4):  # the reused code was the first wrong one
        code.fill(wrong)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Incorrect code.")).to_be_visible()
    code.fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Too many wrong codes. Try again in 5 minutes.")).to_be_visible()
    people.shot(page, "locked out for five minutes")
    people.assert_no_csp_violations()
