"""A guide page on a laptop and on a phone: two columns with a side panel that stays in view
(call to action, contents, reviewer) beside text in a readable measure; one column on a phone,
with the call to action again where the reader finishes."""

import pytest
from playwright.sync_api import expect

from tests.factories import FaqItemFactory, FirmFactory, GuideFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
END_OF_GUIDE = "Need a lawyer for this? Share your needs, and law firms contact you."

# Characters in each line of a paragraph: its text length over its rendered line count.
CHARACTERS_PER_LINE = """element => {
  const lines = Math.round(element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight));
  return element.textContent.length / lines;
}"""


@pytest.fixture
def guide(harbin, cyber_law):
    paragraph = "Companies in Harbin answer for the personal data they collect, store and send abroad. " * 8
    text = "\n\n".join([paragraph] * 4)
    guide = GuideFactory(
        published=True,
        city=harbin,
        practice_area=cyber_law,
        about_md=text,
        why_md=text,
        local_laws_md=text,
        next_steps_md=text,
        reviewer_name="Li Na",
    )
    for number in range(4):
        FaqItemFactory(guide=guide, question=f"Question {number}?", answer_md=paragraph, position=number)
    FirmFactory(name="Songhua Data Law", cities=[harbin], practice_areas=[cyber_law], ratings=[5, 4])
    return guide


def box_in_page(page, locator):
    box = locator.bounding_box()
    return {**box, "y": box["y"] + page.evaluate("window.scrollY")}


def test_on_a_laptop_the_panel_stays_beside_the_text_as_the_reader_scrolls(people, guide):
    page = people.open("reader")
    page.set_viewport_size(LAPTOP)
    page.goto(guide.get_absolute_url())
    panel = page.locator(".landing__panel")
    main = page.locator(".landing__main")
    people.shot(page, "laptop")

    for fraction in (0.3, 0.6, 0.9):
        page.evaluate(f"window.scrollTo(0, document.documentElement.scrollHeight * {fraction})")
        box, text = panel.bounding_box(), main.bounding_box()
        assert text["x"] + text["width"] <= box["x"], (text, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], (fraction, box)
    for what in ("Find a lawyer in Harbin", "Next steps"):
        expect(panel.get_by_role("link", name=what, exact=True)).to_be_in_viewport()
    expect(panel.get_by_text("Reviewed by Li Na")).to_be_in_viewport()

    # The guide reads in lines of about 70 characters, not the width of the screen.
    per_line = page.locator("#about p").first.evaluate(CHARACTERS_PER_LINE)
    assert 55 <= per_line <= 80, per_line

    # Each entry of the contents leads to its part of the page.
    hrefs = panel.get_by_role("navigation").get_by_role("link").evaluate_all("links => links.map(a => a.hash)")
    assert hrefs[0] == "#firms" and "#faq" in hrefs and hrefs[-1] == "#sources"
    assert page.evaluate("hashes => hashes.every(hash => document.getElementById(hash.slice(1)))", hrefs)
    panel.get_by_role("link", name="Frequently asked questions").click()
    expect(page.get_by_role("heading", name="Frequently asked questions", exact=True)).to_be_in_viewport()
    people.shot(page, "laptop at the faq")
    people.assert_no_csp_violations()


def test_on_a_phone_the_call_to_action_comes_again_after_the_guide(people, guide):
    page = people.open("reader")
    page.set_viewport_size(PHONE)
    page.goto(guide.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, "phone")

    # One column: the compact call to action under the header, before the firms; not sticky.
    top = page.locator(".landing__panel .cta")
    assert top.evaluate("element => getComputedStyle(element.parentElement).position") == "static"
    firms = page.get_by_role("heading", name="law firms in Harbin")
    assert box_in_page(page, top)["y"] < box_in_page(page, firms)["y"]
    assert page.locator(".landing__main").bounding_box()["width"] <= PHONE["width"]

    # Where the reader finishes: after the last section and the FAQ.
    end = page.get_by_role("region", name=END_OF_GUIDE)
    end.scroll_into_view_if_needed()
    end_y = box_in_page(page, end)["y"]
    assert box_in_page(page, page.get_by_role("heading", name="Next steps", exact=True))["y"] < end_y
    assert box_in_page(page, page.get_by_text("Question 3?"))["y"] < end_y
    people.shot(page, "phone at the end of the guide")
    end.get_by_role("link", name="Find a lawyer in Harbin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    people.assert_no_csp_violations()
