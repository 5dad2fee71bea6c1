"""The design system where only a browser can tell: the footer at the bottom of a short page,
the dark scheme's colours (and their contrast, by axe), the filters beside the results on a
wide screen and one tap away on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def test_the_footer_sits_at_the_bottom_of_a_short_page_on_a_phone(people):
    page = people.open("visitor")
    page.set_viewport_size(PHONE)
    page.goto("/no-such-page/")  # the "not found" page: a few lines
    people.shot(page, "short page")

    height = page.evaluate("document.documentElement.scrollHeight")
    assert height == PHONE["height"], "the page is short: it should fill the window exactly"
    footer = page.locator(".site-footer").bounding_box()
    assert footer["y"] + footer["height"] == pytest.approx(PHONE["height"], abs=1)


def background_luminance(page, selector="body"):
    rgb = page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor")
    red, green, blue = (int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])

    def linear(channel):
        channel /= 255
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_scheme_has_its_colours_and_axe_finds_no_contrast_problem(people, market, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = people.open("visitor")
    page.emulate_media(color_scheme=scheme)
    problems = []
    for name, url in [
        ("home", "/"),
        ("landing", market.url),
        ("firm", market.firm.get_absolute_url()),
        ("search", "/search/?q=data"),
    ]:
        for size in (PHONE, LAPTOP):
            page.set_viewport_size(size)
            page.goto(url)
            people.shot(page, f"{name} {scheme} {size['width']}")
            if scheme == "dark":
                assert background_luminance(page) < 0.05, f"{name}: the page is not dark"
            else:
                assert background_luminance(page) > 0.9, f"{name}: the page is not light"
            results = axe.run(page, options={"runOnly": ["color-contrast", "link-in-text-block"]})
            problems += [
                f"{name} {size['width']}: {violation['id']}: {node['target']} {node.get('failureSummary', '')}"
                for violation in results.response["violations"]
                for node in violation["nodes"]
            ]
    assert not problems, "\n".join(problems)


def test_the_filters_are_one_tap_away_on_a_phone_and_beside_the_firms_on_a_laptop(people, market):
    page = people.open("visitor")
    page.set_viewport_size(PHONE)
    page.goto(market.url)
    filters = page.locator("details.filters")
    language = page.get_by_label("Spoken language")
    expect(language).to_be_hidden()
    first_card = page.locator(".firm-card").first
    summary = page.get_by_text("Filters (0)")
    gap = first_card.bounding_box()["y"] - summary.bounding_box()["y"]
    assert 0 < gap < 200, "the firms come right after the closed filters"
    summary.click()
    expect(language).to_be_visible()
    language.select_option("en")
    page.get_by_role("button", name="Show firms").click()
    expect(page.get_by_text("Filters (1)")).to_be_visible()
    people.shot(page, "phone filtered")

    page.set_viewport_size(LAPTOP)
    page.goto(market.url)
    expect(filters).to_be_visible()
    expect(page.get_by_label("Spoken language")).to_be_visible()  # open without a click
    expect(page.get_by_text("Filters (0)")).to_be_hidden()
    beside = page.locator(".filters").bounding_box()
    card = page.locator(".firm-card").first.bounding_box()
    assert beside["x"] + beside["width"] <= card["x"] and abs(beside["y"] - card["y"]) < 120
    people.shot(page, "laptop filters beside")
    people.assert_no_csp_violations()
