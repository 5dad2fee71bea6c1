"""No dead ends, in a real browser: the header's search box takes a problem in plain words or a
name, and the compare page takes a fourth ticked firm without an error page. On a 390 px
phone, none of these pages scrolls sideways.
"""

import re

import pytest
from playwright.sync_api import expect

from audit.checks import BLOCKING_IMPACTS, describe_axe_violations, nu_checker_errors
from tests.browser.test_accessibility_and_markup import java_or_skip
from tests.factories import FirmFactory, PracticeAreaFactory, ServiceFeeFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PROBLEM = "my employer has not paid my salary in Harbin"


@pytest.fixture
def directory(transactional_db, harbin, cyber_law):
    """Employment law with the plain words people use, a firm offering it in Harbin, and four
    cyber-law firms in Harbin to compare (one with fees and a known response time)."""
    employment = PracticeAreaFactory(
        name="Employment & Labour",
        slug="employment-and-labour",
        parent=cyber_law.parent,
        synonyms="dismissal\nemployer\nsalary\nunpaid wages\nfired",
        description="Employment contracts, dismissals and workplace disputes.",
    )
    FirmFactory(name="Harbin Workplace Counsel", cities=[harbin], practice_areas=[employment])
    cyber_firms = [
        FirmFactory(
            name="Songhua River Law",
            slug="songhua-river-law",
            cities=[harbin],
            practice_areas=[cyber_law],
            ratings=[5, 5, 5],
            response=(0.9, 3.2),
        ),
        FirmFactory(name="Bingcheng Privacy Partners", cities=[harbin], practice_areas=[cyber_law], ratings=[5, 5]),
        FirmFactory(name="Ice Lantern Data Law", cities=[harbin], practice_areas=[cyber_law], ratings=[4]),
        FirmFactory(name="Zhongyang Street Counsel", cities=[harbin], practice_areas=[cyber_law]),
    ]
    ServiceFeeFactory(firm=cyber_firms[0], service="Data breach response", fee_model="flat", amount_min=8000)
    return {"employment": employment, "harbin": harbin, "cyber_law": cyber_law, "cyber_firms": cyber_firms}


def header_search(page, words):
    box = page.get_by_role("search", name="Search the site").get_by_role("searchbox")
    box.fill(words)
    box.press("Enter")


def test_a_problem_typed_in_the_header_box_leads_to_the_city_page_and_the_request_form(people, directory):
    page = people.open("visitor")
    page.goto("/practice-areas/")
    header_search(page, PROBLEM)

    expect(page).to_have_url(re.compile(r"/search/\?q=my\+employer"))
    expect(page.get_by_role("heading", name="Practice areas that may fit, in Harbin")).to_be_visible()
    suggestion = page.locator(".suggestion").first
    expect(suggestion.get_by_role("heading", level=3)).to_have_text("Employment & Labour")
    expect(page.get_by_text("No law firm matches your search.")).to_be_visible()
    people.shot(page, "problem suggests employment law")

    suggestion.get_by_role("link", name="See the 1 law firm in Harbin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Employment & Labour")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbin")
    expect(page.get_by_role("heading", name="Harbin Workplace Counsel")).to_be_visible()
    people.shot(page, "the city page")

    page.go_back()
    page.locator(".suggestion").first.get_by_role("link", name="Tell law firms in Harbin what you need").click()
    expect(page.get_by_label("What do you need help with?")).to_have_value(str(directory["employment"].pk))
    expect(page.get_by_label("Where?")).to_have_value(str(directory["harbin"].pk))
    people.shot(page, "the request form prefilled")
    people.assert_no_csp_violations()


def test_a_firm_name_in_the_header_box_finds_the_firm_and_nonsense_is_no_dead_end(people, directory):
    page = people.open("visitor")
    page.goto("/")
    header_search(page, "Songhua River")

    expect(page.get_by_role("heading", name="Songhua River Law")).to_be_visible()
    people.shot(page, "firm found by name")
    page.get_by_role("link", name="Songhua River Law", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Songhua River Law")

    header_search(page, "xyzzy plugh")
    expect(page.get_by_text("No law firm matches your search.")).to_be_visible()
    people.shot(page, "nothing found")
    page.get_by_role("link", name="Browse law firms by practice area").click()
    expect(page).to_have_url(re.compile(r"/practice-areas/$"))
    people.assert_no_csp_violations()


def test_a_fourth_ticked_firm_is_left_out_with_a_message_and_three_can_be_chosen_again(people, directory):
    page = people.open("visitor")
    page.goto(f"/lawyers/china/harbin/{directory['cyber_law'].slug}/")
    names = [name.strip() for name in page.locator(".firm-card__name").all_inner_texts()]
    assert len(names) == 4
    for checkbox in page.get_by_role("checkbox", name="Compare").all():
        checkbox.check()
    people.shot(page, "four firms ticked")
    page.get_by_role("button", name="Compare the ticked firms (up to 3)").click()

    expect(page).to_have_url(re.compile(r"/firms/compare/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare law firms")
    expect(page.get_by_text("You ticked 4 firms, but at most 3 can be compared at a time.")).to_be_visible()
    expect(page.get_by_text(f"We compare the first 3 below and left out {names[3]}.")).to_be_visible()
    table = page.locator("table.compare")
    expect(table.locator("thead th a")).to_have_text(names[:3])
    expect(table.get_by_role("row", name=re.compile("^Fees"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Typical response time"))).to_be_visible()
    people.shot(page, "compare with a firm left out")

    page.get_by_role("checkbox", name=names[0]).uncheck()
    page.get_by_role("checkbox", name=names[3]).check()
    page.get_by_role("button", name="Compare these").click()
    expect(table.locator("thead th a")).to_have_text(names[1:])
    expect(page.get_by_text("at most 3 can be compared")).to_have_count(0)
    people.shot(page, "compare the three chosen")
    people.assert_no_csp_violations()


def test_on_a_phone_nothing_scrolls_sideways(people, directory):
    slugs = [firm.slug for firm in directory["cyber_firms"]]
    page = people.open("phone")
    page.set_viewport_size(PHONE)
    for what, path in [
        ("home", "/"),
        ("search results", f"/search/?q={PROBLEM.replace(' ', '+')}"),
        ("firm search results", "/search/?q=Songhua"),
        ("compare", "/firms/compare/?" + "&".join(f"firm={slug}" for slug in slugs)),
    ]:
        page.goto(path)
        box = page.get_by_role("search", name="Search the site").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], what
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], what
        people.shot(page, what)
    # The comparison table is wider than the phone: it scrolls in its own box.
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("element => element.scrollWidth > element.clientWidth")
    people.assert_no_csp_violations()


def test_the_new_pages_pass_axe_and_the_nu_html_checker(people, directory, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    java = java_or_skip()
    slugs = [firm.slug for firm in directory["cyber_firms"]]
    pages = {
        "home": "/",
        "problem with a city": f"/search/?q={PROBLEM.replace(' ', '+')}",
        "firm name": "/search/?q=Songhua",
        "nothing found": "/search/?q=xyzzy",
        "compare with a firm left out": "/firms/compare/?" + "&".join(f"firm={slug}" for slug in slugs),
        "compare with an unknown firm": f"/firms/compare/?firm={slugs[0]}&firm=gone",
    }
    axe, problems = Axe(), []
    for width in (PHONE, {"width": 1366, "height": 900}):
        page = people.open(f"visitor at {width['width']}")
        page.set_viewport_size(width)
        for name, path in pages.items():
            response = page.goto(path)
            assert response.ok, name
            if width is PHONE:
                (tmp_path / f"{name.replace(' ', '-')}.html").write_text(response.text())
            violations = axe.run(page).response["violations"]
            blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
            problems.extend(describe_axe_violations(f"{name} at {width['width']}", blocking))
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)

    errors = nu_checker_errors(tmp_path, java=java)
    assert len(list(tmp_path.iterdir())) == len(pages)
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors)
    people.assert_no_csp_violations()
