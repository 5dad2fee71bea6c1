"""Accessibility (axe-core, in the browser) and markup (the Nu HTML Checker) of the pages people
use most: home, a landing page with firms and one without (firms nearby instead), a city page
with firms and one without, a firm profile, every step of the
request form (with and without errors), the pages that follow it, and the firm portal's
inbox and request page behind two-factor sign-in.

axe may report no violation of impact "serious" or "critical"; the Nu checker no error. Both
walk the same pages (walk_pages) and report every problem of every page at once.
"""

import shutil

import pytest
from playwright.sync_api import expect

from audit.checks import BLOCKING_IMPACTS, INSTALL_HINT, VNU_JAR, describe_axe_violations, nu_checker_errors
from tests.browser.conftest import emails_to, link_in, sign_in, unavailable
from tests.factories import CityFactory, GuideFactory

pytestmark = pytest.mark.browser


class Walk:
    """Follows one page's main documents, so that each page's HTML is the server's own bytes
    (not the browser's re-serialised DOM), including pages that answer a form's POST."""

    def __init__(self, people, page, check):
        self.people, self.page, self.check = people, page, check
        self.document = None
        page.on("response", self._on_response)

    def _on_response(self, response):
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.document = response

    def at(self, name):
        """The page is showing what `name` describes: screenshot it and check it."""
        self.page.wait_for_load_state()
        assert self.document is not None and self.document.ok, f"{name}: {self.document and self.document.status}"
        self.people.shot(self.page, name)
        self.check(name, self.page, self.document.text())


def walk_pages(people, market, check):
    """Visit every page under test as its visitors do, calling check(name, page, html) on each."""
    empty_area_city = CityFactory(region=market.city.region, name="Daqing", slug="daqing")
    without_firms = GuideFactory(published=True, city=empty_area_city, practice_area=market.area)

    page = people.open("visitor")
    walk = Walk(people, page, check)
    page.goto("/")
    walk.at("home")

    page.goto(without_firms.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lawyers in Daqing")
    expect(page.get_by_role("heading", name="Firms in other cities of Heilongjiang")).to_be_visible()
    walk.at("landing page without firms")

    page.goto(market.url)
    expect(page.get_by_role("heading", name="Songhua Data Law")).to_be_visible()
    walk.at("landing page with firms")

    page.get_by_role("link", name="Songhua Data Law").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Songhua Data Law")
    walk.at("firm profile")

    page.goto(market.city.get_absolute_url())
    expect(page.get_by_role("link", name="Songhua Data Law")).to_be_visible()
    walk.at("city page")

    page.goto(empty_area_city.get_absolute_url())
    expect(page.get_by_text("We haven't listed any law firm in Daqing yet.")).to_be_visible()
    walk.at("city page without firms")

    page.goto("/requests/new/")
    walk.at("form step 1")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_be_visible()
    walk.at("form step 1 with errors")
    page.get_by_label("What do you need help with?").select_option(str(market.area.pk))
    page.get_by_label("Where?").select_option(str(market.city.pk))
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 2 of 3: Details")).to_be_visible()
    walk.at("form step 2")
    page.get_by_label("Describe your situation").fill("Too short")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_be_visible()
    walk.at("form step 2 with errors")
    page.get_by_label("Describe your situation").fill("Our shop leaked customer emails; what must we do now?")
    page.get_by_label("Within a few weeks").check()
    page.get_by_label("Not sure yet").check()
    page.get_by_label("An individual").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 3 of 3: Contact")).to_be_visible()
    walk.at("form step 3")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_be_visible()
    walk.at("form step 3 with errors")
    page.get_by_label("Your name").fill("Zhao Min")
    page.get_by_label("Email", exact=True).fill("zhao.min@example.com")
    for checkbox in page.locator(".lead-form__consents input[type=checkbox]").all():
        checkbox.check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your email")
    walk.at("request sent")

    (confirmation,) = emails_to("zhao.min@example.com")
    page.goto(link_in(confirmation, "/requests/confirm/"))
    expect(page.get_by_text("Your request was sent to 2 law firms.")).to_be_visible()
    walk.at("request status")

    firm = people.open("firm")
    firm_walk = Walk(people, firm, check)
    sign_in(firm, email=market.lawyer.email, next_url=f"/portal/{market.firm.slug}/requests/")
    expect(firm.get_by_role("heading", level=1)).to_be_visible()
    firm_walk.at("portal inbox")
    firm.get_by_role("link", name="Open").first.click()
    expect(firm.get_by_role("heading", name="Accept")).to_be_visible()
    firm_walk.at("portal request")


def test_axe_finds_no_serious_or_critical_violation(people, market):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems, checked = [], []

    def check(name, page, html):
        results = axe.run(page)
        # Shown with a failure: the lesser findings too, for context.
        print(name, [(v["id"], v["impact"]) for v in results.response["violations"]])
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        problems.extend(describe_axe_violations(name, blocking))
        checked.append(name)

    walk_pages(people, market, check)

    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
    assert len(checked) == 16
    people.assert_no_csp_violations()


def java_or_skip() -> str:
    java = shutil.which("java")
    if java is None:
        unavailable("needs Java for the Nu HTML Checker (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        unavailable(f"needs the Nu HTML Checker at {VNU_JAR}: {INSTALL_HINT}")
    return java


def test_the_nu_html_checker_finds_no_error(people, market, tmp_path):
    java_or_skip()
    pages = {}

    def check(name, page, html):
        path = tmp_path / f"{len(pages) + 1:02d}-{name.replace(' ', '-')}.html"
        path.write_text(html)
        pages[path.name] = name

    walk_pages(people, market, check)

    errors = nu_checker_errors(tmp_path, pages, java=java_or_skip())
    assert len(pages) == 16
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors)
