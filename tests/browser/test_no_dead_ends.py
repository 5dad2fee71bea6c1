"""No dead ends, in a real browser: every search leads to a page with firms or a way forward."""

import pytest
from playwright.sync_api import expect

from tests.factories import CityFactory, FaqItemFactory, FirmFactory, GuideFactory, PracticeAreaFactory

pytestmark = pytest.mark.browser


def find(page, *, city, area):
    """Search with the home page's finder, as a visitor does."""
    page.goto("/")
    page.get_by_label("City", exact=True).select_option(label=city)
    page.get_by_label("Practice area", exact=True).select_option(label=area)
    page.get_by_role("button", name="Find lawyers").click()


def test_the_finder_leads_to_the_firms_of_a_city_and_area_without_a_guide(people, harbin):
    corporate = PracticeAreaFactory(name="Corporate & Company Law", slug="corporate-and-company-law")
    for name, ratings in [("Ice Lantern Law Office", [5, 5, 4]), ("Sun Island Counsel", [4])]:
        FirmFactory(name=name, cities=[harbin], practice_areas=[corporate], ratings=ratings)
    page = people.open("visitor")

    find(page, city="Harbin", area="Corporate & Company Law")

    expect(page).to_have_url(f"{people.base_url}/lawyers/china/harbin/corporate-and-company-law/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Best Corporate & Company Law Lawyers in Harbin")
    expect(page.get_by_role("heading", name="Ice Lantern Law Office")).to_be_visible()
    expect(page.get_by_role("heading", name="Sun Island Counsel")).to_be_visible()
    expect(page.get_by_text("We have no guide")).to_have_count(0)
    expect(page.get_by_role("link", name="Find a lawyer in Harbin")).to_be_visible()
    people.shot(page, "city and area without a guide")
    people.assert_no_csp_violations()


def test_an_empty_city_and_area_shows_firms_nearby_and_opens_the_form_filled_in(people, harbin, cyber_law):
    daqing = CityFactory(region=harbin.region, name="Daqing", slug="daqing")
    FirmFactory(name="Oilfield Data Law", cities=[daqing], practice_areas=[cyber_law], ratings=[5, 4])
    page = people.open("visitor")

    find(page, city="Harbin", area=cyber_law.name)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Best {cyber_law.name} Lawyers in Harbin")
    expect(page.get_by_text(f"We haven't listed any {cyber_law.name} lawyers in Harbin, China yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Firms in other cities of Heilongjiang")).to_be_visible()
    expect(page.get_by_role("link", name="Oilfield Data Law")).to_be_visible()
    expect(page.get_by_text("Office in Daqing")).to_be_visible()
    people.shot(page, "empty city and area")

    page.get_by_role("link", name="Send your request to firms nearby").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    expect(page.get_by_label("What do you need help with?")).to_have_value(str(cyber_law.pk))
    expect(page.get_by_label("Where?")).to_have_value(str(harbin.pk))
    people.shot(page, "the form filled in")
    people.assert_no_csp_violations()


def test_a_city_page_lists_its_best_firms_by_practice_area_and_offers_the_form(people, harbin, cyber_law):
    corporate = PracticeAreaFactory(name="Corporate & Company Law", slug="corporate-and-company-law")
    for number, ratings in enumerate([[5] * 6, [5, 4], [4], []]):
        FirmFactory(
            name=f"Harbin Corporate {number + 1}", cities=[harbin], practice_areas=[corporate], ratings=ratings
        )
    FirmFactory(name="Songhua Data Law", cities=[harbin], practice_areas=[cyber_law], ratings=[5])
    page = people.open("visitor")

    page.goto("/lawyers/")
    page.get_by_role("link", name="Harbin", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lawyers in Harbin")
    expect(page.get_by_role("heading", level=3, name="Corporate & Company Law")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=cyber_law.name)).to_be_visible()
    for number in (1, 2, 3):
        expect(page.get_by_role("link", name=f"Harbin Corporate {number}")).to_be_visible()
    expect(page.get_by_role("link", name="Harbin Corporate 4")).to_have_count(0)
    expect(page.get_by_role("link", name="Songhua Data Law")).to_be_visible()
    people.shot(page, "city page")

    page.get_by_role("link", name="See all 4 Corporate & Company Law firms in Harbin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Best Corporate & Company Law Lawyers in Harbin")
    expect(page.get_by_role("heading", name="Harbin Corporate 4")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Find a lawyer in Harbin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    expect(page.get_by_label("Where?")).to_have_value(str(harbin.pk))
    people.shot(page, "the form with the city filled in")
    people.assert_no_csp_violations()


def test_a_city_with_nothing_listed_says_so_and_still_offers_the_form(people, harbin):
    daqing = CityFactory(region=harbin.region, name="Daqing", slug="daqing")
    page = people.open("visitor")

    page.goto(daqing.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Lawyers in Daqing")
    expect(page.get_by_text("We haven't listed any law firm in Daqing yet")).to_be_visible()
    people.shot(page, "empty city page")
    page.get_by_role("link", name="Find a lawyer in Daqing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    expect(page.get_by_label("Where?")).to_have_value(str(daqing.pk))
    people.assert_no_csp_violations()


END_OF_GUIDE = "Need a lawyer for this? Share your needs, and law firms contact you."


def long_guide(city, area):
    """A guide as long as the demo's (about 7,000 px on a wide screen), and a firm."""
    paragraph = "Companies in Harbin answer for the personal data they collect, store and send abroad. " * 8
    text = "\n\n".join([paragraph] * 5)
    guide = GuideFactory(
        published=True,
        city=city,
        practice_area=area,
        about_md=text,
        why_md=text,
        local_laws_md=text,
        next_steps_md=text,
    )
    for number in range(6):
        FaqItemFactory(guide=guide, question=f"Question {number}?", answer_md=paragraph, position=number)
    FirmFactory(name="Songhua Data Law", cities=[city], practice_areas=[area], ratings=[5, 4])
    return guide


def box_in_page(page, locator):
    """The element's box in page coordinates (Playwright's are the viewport's)."""
    box = locator.bounding_box()
    return {**box, "y": box["y"] + page.evaluate("window.scrollY")}


def test_a_long_guide_keeps_its_call_to_action_in_view_and_repeats_it_where_the_reader_finishes(
    people, harbin, cyber_law
):
    guide = long_guide(harbin, cyber_law)
    page = people.open("reader")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(guide.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollHeight") > 5000

    # Wide screen: scrolled to the middle of the guide, the call to action is beside the text, in view.
    aside_cta = page.locator(".landing__aside .cta")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    box = aside_cta.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    main = page.locator(".landing__main").bounding_box()
    assert main["x"] + main["width"] <= box["x"], (main, box)
    expect(aside_cta.get_by_role("link", name="Find a lawyer in Harbin")).to_be_in_viewport()
    people.shot(page, "wide screen")

    # Where the reader finishes: after the last section and the FAQ, before the sources.
    end_cta = page.get_by_role("region", name=END_OF_GUIDE)
    end_cta.scroll_into_view_if_needed()
    end = box_in_page(page, end_cta)
    assert box_in_page(page, page.get_by_role("heading", name="Next steps", exact=True))["y"] < end["y"]
    assert box_in_page(page, page.get_by_text("Question 5?"))["y"] < end["y"]
    assert end["y"] < box_in_page(page, page.get_by_role("heading", name="Sources", exact=True))["y"]

    # A phone: the call to action comes after the header, nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    top = box_in_page(page, aside_cta)
    assert top["x"] >= 0 and top["x"] + top["width"] <= 390
    assert top["y"] < box_in_page(page, page.get_by_role("heading", name="law firms in Harbin"))["y"]
    assert aside_cta.evaluate("element => getComputedStyle(element).position") == "static"
    people.shot(page, "phone")

    end_cta.get_by_role("link", name="Find a lawyer in Harbin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your needs with law firms")
    expect(page.get_by_label("What do you need help with?")).to_have_value(str(cyber_law.pk))
    expect(page.get_by_label("Where?")).to_have_value(str(harbin.pk))
    people.assert_no_csp_violations()
