"""The request form as a person meets it in a real browser: a description longer than the
limit is counted rather than cut, and the page after sending names the address, sends the
email again and lets a mistyped address be corrected."""

import pytest
from playwright.sync_api import expect

from intake.forms import DESCRIPTION_MAX
from intake.models import Lead
from tests.browser.conftest import emails_to, link_in

pytestmark = pytest.mark.browser

DESCRIPTION = (
    "A former employee copied our customer database before leaving. Can we make him delete it, "
    "and must we tell the customers?"
)


def fill_the_first_two_steps(page, market, description=DESCRIPTION):
    page.goto(f"/requests/new/?city={market.city.pk}&practice_area={market.area.pk}")
    page.get_by_role("button", name="Next").click()
    fill_the_details(page, description)


def fill_the_details(page, description=DESCRIPTION):
    """Step 2, filled in and sent; the page is then on step 3."""
    expect(page.get_by_text("Step 2 of 3: Details")).to_be_visible()
    page.get_by_label("Describe your situation").fill(description)
    page.get_by_label("Urgent: within days").check()
    page.get_by_label("Not sure yet").check()
    page.get_by_label("A business or organisation").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 3 of 3: Contact")).to_be_visible()


def send(page, email):
    page.get_by_label("Your name").fill("Zhao Min")
    page.get_by_label("Email", exact=True).fill(email)
    for checkbox in page.locator(".lead-form__consents input[type=checkbox]").all():
        checkbox.check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email: we sent a link to confirm your request"
    )


def test_the_description_counter_counts_past_the_limit_and_nothing_typed_is_cut(people, market):
    page = people.open("visitor")
    page.goto(f"/requests/new/?city={market.city.pk}&practice_area={market.area.pk}")
    page.get_by_role("button", name="Next").click()
    box = page.get_by_label("Describe your situation")
    counter = page.locator(".char-count")
    box.fill("x" * 40)
    expect(counter).to_have_text(f"40 of {DESCRIPTION_MAX:,} characters")

    too_long = "y" * (DESCRIPTION_MAX + 25)
    box.fill(too_long)
    assert len(box.input_value()) == DESCRIPTION_MAX + 25  # the browser keeps every character
    expect(counter).to_contain_text(f"25 more than the {DESCRIPTION_MAX:,} allowed")
    people.shot(page, "counter past the limit")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Describe your situation").input_value() == too_long
    people.assert_no_csp_violations()


def test_the_sent_page_names_the_address_sends_again_and_corrects_a_typo(people, market):
    page = people.open("visitor")
    fill_the_first_two_steps(page, market)
    send(page, "zhao.min@exmaple.com")
    expect(page.get_by_text("We sent a link to zhao.min@exmaple.com.")).to_be_visible()
    people.shot(page, "sent page")

    page.get_by_role("button", name="Send the email again").click()
    expect(page.get_by_role("status")).to_contain_text("We sent the email again to zhao.min@exmaple.com.")
    assert len(emails_to("zhao.min@exmaple.com")) == 2

    # A bad address is refused on the page, with the address as typed kept in the field.
    page.get_by_role("textbox", name="Your email address").fill("zhao.min@")
    page.get_by_role("button", name="Use this address").click()
    expect(page.get_by_role("textbox", name="Your email address")).to_have_value("zhao.min@")
    expect(page.locator("#id_email_error")).to_be_visible()
    people.shot(page, "sent page with a bad address")

    page.get_by_role("textbox", name="Your email address").fill("zhao.min@example.com")
    page.get_by_role("button", name="Use this address").click()
    expect(page.get_by_role("status")).to_contain_text("Your address is now zhao.min@example.com")
    expect(page.get_by_text("We sent a link to zhao.min@example.com.")).to_be_visible()

    # The link sent to the mistyped address no longer works; the new one confirms the request.
    (old,) = emails_to("zhao.min@exmaple.com")[:1]
    page.goto(link_in(old, "/requests/confirm/"))
    assert Lead.objects.get().status == Lead.Status.NEW
    (new,) = emails_to("zhao.min@example.com")
    page.goto(link_in(new, "/requests/confirm/"))
    expect(page.get_by_role("status")).to_contain_text("Thank you: your email address is confirmed.")
    assert Lead.objects.get().email == "zhao.min@example.com"
    people.assert_no_csp_violations()


def test_back_and_forward_between_steps_show_each_step_as_typed_and_never_ask_to_resubmit(people, market):
    page = people.open("visitor")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    fill_the_first_two_steps(page, market)
    page.get_by_label("Your name").fill("Zhao Min")

    page.go_back()  # the browser's own Back: a GET of step 2's address, not a resubmission
    expect(page.get_by_text("Step 2 of 3: Details")).to_be_visible()
    expect(page.get_by_label("Describe your situation")).to_have_value(DESCRIPTION)
    expect(page.get_by_label("Urgent: within days")).to_be_checked()
    people.shot(page, "back on step 2")

    page.go_back()
    expect(page.get_by_text("Step 1 of 3: What and where")).to_be_visible()
    expect(page.get_by_label("Where?")).to_have_value(str(market.city.pk))

    page.go_forward()
    page.go_forward()
    expect(page.get_by_text("Step 3 of 3: Contact")).to_be_visible()
    page.reload()  # a reload of a step is a GET too
    expect(page.get_by_text("Step 3 of 3: Contact")).to_be_visible()

    # A mistake: the step comes back at its own address with its message, and Back still works.
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    assert page.url.endswith("/requests/new/contact/")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    assert not dialogs, dialogs
    people.assert_no_csp_violations()


def test_mistakes_on_the_last_step_never_lock_the_visitor_out(people, market, settings):
    settings.LEAD_RATE_LIMIT = "2/10m"  # two requests sent: six mistakes are not six requests
    page = people.open("visitor")
    page.goto(f"/requests/new/?city={market.city.pk}&practice_area={market.area.pk}")
    expect(page.get_by_text("We pass your request to at most 3 law firms")).to_be_visible()
    expect(page.get_by_text("No firm sees it before you confirm your email address.")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    fill_the_details(page)

    page.get_by_label("Your name").fill("Zhao Min")
    for typo in ["zhao", "zhao@", "zhao@@example.com", "zhao min@example.com", "@example.com", "zhao@example"]:
        page.get_by_label("Email", exact=True).fill(typo)
        page.get_by_role("button", name="Send my request").click()
        expect(page.get_by_role("alert")).to_contain_text("Please correct")
        expect(page.get_by_label("Your name")).to_have_value("Zhao Min")  # nothing typed is lost
    people.shot(page, "sixth mistake")

    send(page, "zhao.min@example.com")
    assert Lead.objects.filter(email="zhao.min@example.com").count() == 1
    people.assert_no_csp_violations()
