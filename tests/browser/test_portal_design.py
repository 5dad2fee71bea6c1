"""The firm portal on a phone, in light and dark mode: the current section stands out, the
overview's chart stays legible, and the inbox's status chips and deadlines read at AA."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import LeadFactory, MatchFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The colours of an element as the browser computes them; Chromium writes a color-mix() as
# color(srgb r g b) with channels from 0 to 1, a plain colour as rgb(r, g, b).
COLOURS = "element => [getComputedStyle(element).color, getComputedStyle(element).backgroundColor]"


def channels(css):
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    return numbers[:3] if css.startswith("rgb") else [n * 255 for n in numbers[:3]]


def luminance(css):
    linear = [c / 3294.6 if c <= 10.03 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels(css)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    light, dark = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def requests(market, settings):
    settings.LEAD_RESPONSE_WINDOW_HOURS = 48
    now = timezone.now()
    due_soon = MatchFactory(
        firm=market.firm, status="viewed", delivered_at=now - datetime.timedelta(hours=43), lead=LeadFactory()
    )
    MatchFactory(firm=market.firm, status="delivered", delivered_at=now, lead=LeadFactory())
    for status in ["accepted", "declined", "expired", "returned", "cancelled"]:
        MatchFactory(firm=market.firm, status=status, lead=LeadFactory())
    return due_soon


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_portal_on_a_phone_reads_in_either_colour_scheme(people, market, requests, scheme):
    page = people.open("lawyer")
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(PHONE)
    sign_in(page, email=market.lawyer.email, next_url=f"/portal/{market.firm.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")

    # The current section is filled, the others are not.
    nav = page.get_by_role("navigation", name="Portal")
    current, other = nav.get_by_role("link", name="Overview"), nav.get_by_role("link", name="Requests")
    expect(current).to_have_attribute("aria-current", "page")
    text, fill = current.evaluate(COLOURS)
    assert contrast(text, fill) >= 4.5 and other.evaluate(COLOURS)[1] != fill

    # The chart's labels are at least 10 px high on the phone, not a scaled-down 6.
    label = page.locator("svg.chart .chart__label").first
    assert label.evaluate("element => element.getBoundingClientRect().height") >= 10
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, f"overview {scheme}")

    page.get_by_role("link", name="Open the requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests")
    chips = page.locator("td .status")
    assert sorted(chips.all_inner_texts()) == sorted(
        ["Viewed", "New", "Accepted", "Declined", "Expired", "Returned", "Withdrawn by the client"]
    )
    for chip in chips.all():
        assert contrast(*chip.evaluate(COLOURS)) >= 4.5, chip.inner_text()
    soon = page.locator(".deadline--soon")
    expect(soon).to_have_count(1)
    expect(soon).to_have_text(re.compile(r"in [45]\shours"))  # 5 hours less the test's own time
    assert soon.evaluate("element => getComputedStyle(element).fontWeight") == "700"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    people.shot(page, f"inbox {scheme}")
    people.assert_no_csp_violations()
