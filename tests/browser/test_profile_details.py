"""A firm owner edits the profile's details: an emptied field is never saved by accident. What
the public page must show stays required; emptying anything else is said, with what it does to
the profile's completeness, and saved only once the owner ticks the box."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import Firm
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def field(label):
    """A box by its label, which may go on with "(optional)"."""
    return re.compile(rf"^{re.escape(label)}(?!\w)")


def test_an_owner_empties_fields_only_after_being_told_what_the_profile_loses(people, market):
    firm = market.firm
    firm.tagline = "Data protection from Harbin"
    firm.save(update_fields=["tagline"])
    page = people.open("firm owner")
    page.set_viewport_size(PHONE)
    sign_in(page, email=market.lawyer.email, next_url=f"/portal/{firm.slug}/profile/details/")
    expect(page.get_by_role("heading", name="Firm details", level=1)).to_be_visible()

    # Everything emptied: what a listed firm's public page needs is refused, nothing is saved.
    for label in ("Tagline (English)", "Description (English)", "Website", "Email", "Phone"):
        page.get_by_label(field(label)).fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_text("Your firm is listed: its public page needs a description")).to_be_visible()
    expect(page.get_by_text("Give an email address or a phone number").first).to_be_visible()
    assert Firm.objects.get(pk=firm.pk).tagline == "Data protection from Harbin"
    people.shot(page, "required fields refused")

    # The description and the email back; the tagline, website and phone still empty.
    page.get_by_label(field("Description (English)")).fill("We advise companies in Harbin on data protection. " * 4)
    page.get_by_label(field("Email")).fill("office@songhua.example")
    page.get_by_role("button", name="Save", exact=True).click()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Nothing is saved yet: these fields would be emptied")
    expect(notice.get_by_role("link")).to_have_text(["Tagline (English)", "Website", "Phone"])
    expect(notice).to_contain_text(f"completeness would drop from {firm.completeness_percent}% to")
    expect(page.get_by_label(field("Email"))).to_have_value("office@songhua.example")  # kept as typed
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, "asked to confirm on a phone")
    page.set_viewport_size(WIDE)
    people.shot(page, "asked to confirm on a wide screen")

    # Saving again without the tick asks again; with it, the fields are emptied.
    notice.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing is saved yet")
    assert Firm.objects.get(pk=firm.pk).website == "https://firm.example.com"
    page.get_by_label("Yes, empty these fields on my public profile").check()
    page.get_by_role("alert").get_by_role("button", name="Save").click()
    expect(page.get_by_text("The firm's details are saved.")).to_be_visible()
    firm.refresh_from_db()
    assert (firm.tagline, firm.website, firm.phone) == ("", "", "")
    assert firm.email == "office@songhua.example"
    people.shot(page, "saved")
    people.assert_no_csp_violations()
