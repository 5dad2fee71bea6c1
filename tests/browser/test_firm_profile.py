"""A firm's profile as a visitor uses it: the way to contact the firm is in view on a phone and
stays beside the text on a wide screen, and a request sent from it reaches that firm first, or
that firm only, as the client chose."""

import pytest
from playwright.sync_api import expect

from intake.models import Lead
from tests.browser.conftest import emails_to, link_in
from tests.browser.test_request_form import fill_the_details, send

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_request_sent_from_a_profile_to_that_firm_only_reaches_it_alone_until_the_client_widens_it(people, market):
    chosen, other = market.other_firm, market.firm  # the other firm ranks higher
    page = people.open("visitor")
    page.set_viewport_size(PHONE)
    page.goto(chosen.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen.name)
    button = page.get_by_role("link", name="Send your request to this firm")
    expect(button).to_be_in_viewport()  # on a phone, without scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, "profile on a phone")

    button.click()
    expect(page.get_by_role("heading", name=f"Your request goes to {chosen.name}")).to_be_visible()
    expect(page.get_by_label("Where?")).to_have_value(str(market.city.pk))
    expect(page.get_by_label("What do you need help with?")).to_have_value(str(market.area.pk))
    page.get_by_label("Only this firm").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, "form step 1 for one firm")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text(f"Your request goes only to {chosen.name}.")).to_be_visible()
    fill_the_details(page)
    send(page, "zhao.min@example.com")
    (confirmation,) = emails_to("zhao.min@example.com")
    page.goto(link_in(confirmation, "/requests/confirm/"))

    expect(page.get_by_text("Your request was sent to 1 law firm.")).to_be_visible()
    expect(page.get_by_text("You chose this firm.", exact=True)).to_be_visible()
    lead = Lead.objects.get()
    assert [m.firm for m in lead.matches.all()] == [chosen]
    (notice,) = emails_to(chosen.email)
    assert "sent this request to you only" in notice.body
    assert emails_to(market.lawyer.email) == []  # the other firm's member who gets its requests
    people.shot(page, "status page: one firm only")

    page.get_by_role("button", name="Also send it to up to 2 other suitable firms").click()
    expect(page.get_by_role("status")).to_contain_text("We will also send your request to other suitable firms.")
    expect(page.get_by_text("Your request was sent to 2 law firms.")).to_be_visible()
    assert len(emails_to(market.lawyer.email)) == 1
    assert {m.firm for m in lead.matches.all()} == {chosen, other}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, "status page: widened")
    people.assert_no_csp_violations()


def test_on_a_wide_screen_the_contact_card_stays_beside_the_text(people, market):
    page = people.open("visitor")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(market.firm.get_absolute_url())
    card = page.locator(".contact-card")
    main = page.locator(".firm__main")

    page.get_by_role("heading", name="Client reviews").scroll_into_view_if_needed()

    expect(card).to_be_in_viewport()
    assert card.bounding_box()["x"] > main.bounding_box()["x"] + main.bounding_box()["width"] - 1
    people.shot(page, "profile scrolled on a wide screen")
    people.assert_no_csp_violations()
