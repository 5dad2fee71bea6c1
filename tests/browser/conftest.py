"""Browser tests: Playwright's Python package driving Debian's Chromium (never a downloaded
browser) against pytest-django's live server, with the data each test makes with factories.

Each person in a test gets their own browser context (their own cookies), made with
`people.open(...)`. Every page records Content-Security-Policy violations (the site sends a
strict policy: no inline script or style), and `people.shot(page, "what")` saves a
screenshot under var/test-artifacts/<test>/. The screenshots of a test that fails are kept,
with a last screenshot and the HTML of every open page; those of a test that passes are
deleted (set KEEP_TEST_ARTIFACTS=1 to keep them too).

Without /usr/bin/chromium these tests are skipped with the reason; under CI (CI=true) that
fails the run instead. `scripts/dev test` installs Debian's chromium when it is missing.
"""

import asyncio
import os
import re
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "var" / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Milliseconds Playwright waits for an element, a navigation or an expectation before failing
# a step: generous, for a machine busy with other work.
TIMEOUT_MS = 15_000
PASSWORD = "a-long-browser-test-password-7"

# Registered with the page as the securitypolicyviolation listener; Playwright injects it
# through the DevTools protocol, which the page's own policy does not govern.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__lawzanaCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


def unavailable(reason):
    """Skip on a laptop without the tool; fail under CI, where a skip would hide a gap."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures know in their teardown whether the test failed (to keep its artefacts).
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def site(settings, live_server):
    """The live server, with what browser tests need of the settings."""
    settings.SITE_URL = live_server.url  # links in emails lead to the live server
    settings.LEAD_MIN_FILL_SECONDS = 0  # a test fills the form faster than a person
    return live_server


class People:
    """The people in one test, each in their own browser context, and their screenshots."""

    def __init__(self, browser, base_url, artifacts):
        self.browser = browser
        self.base_url = base_url
        self.artifacts = artifacts
        self.contexts = []
        self.csp_violations = []
        self.console_errors = []
        self.shots = 0

    def open(self, who):
        """A new page for `who` (a name used in reports and screenshot names)."""
        context = self.browser.new_context(
            base_url=self.base_url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.expose_binding(
            "__lawzanaCspViolation",
            lambda source, detail: self.csp_violations.append({"who": who, "page": source["page"].url, **detail}),
        )
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.who = who

        def on_console(message):
            if message.type == "error":
                self.console_errors.append(f"{who} on {page.url}: {message.text}")
                if "Content Security Policy" in message.text:
                    self.csp_violations.append({"who": who, "page": page.url, "console": message.text})

        page.on("console", on_console)
        self.contexts.append(context)
        return page

    def shot(self, page, what):
        """Save a screenshot of the whole page as the test's next step."""
        self.shots += 1
        name = re.sub(r"[^a-z0-9]+", "-", f"{page.who} {what}".lower()).strip("-")
        self.artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.artifacts / f"{self.shots:02d}-{name}.png", full_page=True)

    def assert_no_csp_violations(self):
        assert not self.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(
            map(str, self.csp_violations)
        )

    def keep_evidence(self):
        """After a failure: a last screenshot and the HTML of every page still open."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        for context in self.contexts:
            for index, page in enumerate(context.pages):
                name = re.sub(r"[^a-z0-9]+", "-", f"failure {page.who} {index}".lower())
                try:
                    page.screenshot(path=self.artifacts / f"{name}.png", full_page=True)
                    (self.artifacts / f"{name}.html").write_text(page.content())
                except Exception as exc:  # a crashed page must not hide the test's own failure
                    (self.artifacts / f"{name}.txt").write_text(f"{page.url}: {exc!r}\n")
        if self.console_errors or self.csp_violations:
            (self.artifacts / "console.txt").write_text(
                "\n".join([*self.console_errors, *map(str, self.csp_violations)]) + "\n"
            )

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(request, site, transactional_db, django_db_serialized_rollback):
    """Opens pages for the people in a test; keeps the screenshots of a failed test.

    The test data lives in real transactions (the live server answers from another thread),
    so the database is flushed after each test; serialized rollback brings back what the
    migrations created (the Editors group...) for the next one.
    """
    if not CHROMIUM.exists():
        unavailable(f"needs Debian's Chromium at {CHROMIUM}: apt-get install chromium (scripts/dev test does)")
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    artifacts = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    shutil.rmtree(artifacts, ignore_errors=True)
    opened = {alias: connections[alias] for alias in connections}
    failed = True
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's synchronous API marks its asyncio loop as running in this thread
        # between calls. Django then refuses ORM calls here (the tests' factories and checks)
        # unless told otherwise, and keeps its connections per async context: hand it the
        # connections it already has, which the live server shares for in-memory SQLite.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            for alias, connection in opened.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            people = People(browser, site.url, artifacts)
            try:
                yield people
                failed = any(
                    getattr(request.node, f"report_{when}", None) is not None
                    and getattr(request.node, f"report_{when}").failed
                    for when in ("setup", "call")
                )
                if failed:
                    people.keep_evidence()
            finally:
                people.close()
                browser.close()
        finally:
            playwright.stop()
            # Back to a plain synchronous thread for the database teardown and later tests.
            asyncio._set_running_loop(None)
    if not failed and not os.environ.get("KEEP_TEST_ARTIFACTS"):
        shutil.rmtree(artifacts, ignore_errors=True)


def sign_in(page, *, email, next_url=None, password=PASSWORD, shots=None):
    """Sign in as a person does: email and password, then the authenticator app's code.
    Without `next_url` the page is already on the sign-in form. `shots`: the test's People,
    to screenshot the second step."""
    from allauth.mfa import app_settings
    from playwright.sync_api import expect

    from tests.factories import totp_code

    if next_url is not None:
        page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    # A code is valid only in its own period: don't type one about to expire.
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 5:
        time.sleep(remaining + 0.2)
    page.get_by_label("Code", exact=True).fill(totp_code())
    if shots is not None:
        shots.shot(page, "authenticator code")
    page.get_by_role("button", name="Sign in").click()


def with_password(user, password=PASSWORD):
    """Give a factory-made user (unusable password) one to type on the sign-in page."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


class Market:
    """Harbin's cyber-law page: a published guide with its FAQ, two firms serving the city,
    and a lawyer at the first firm who receives its request emails."""

    def __init__(self, *, city, area):
        from tests.factories import FaqItemFactory, FirmFactory, FirmUserFactory, GuideFactory, MembershipFactory

        self.city, self.area = city, area
        self.guide = GuideFactory(
            published=True,
            city=city,
            practice_area=area,
            summary="Companies in Harbin must protect the personal data they collect, and answer for leaks.",
            about_md="The **Personal Information Protection Law** governs personal data in China.",
        )
        self.faq = [
            FaqItemFactory(guide=self.guide, question="Do I need consent to collect customer data?", position=0),
            FaqItemFactory(guide=self.guide, question="Whom must I tell after a data breach?", position=1),
        ]
        self.firm = FirmFactory(
            complete=True,
            name="Songhua Data Law",
            slug="songhua-data-law",
            email="office@songhua.example",
            cities=[city],
            practice_areas=[area],
            languages=["zh", "en"],
            ratings=[5, 4],
        )
        self.other_firm = FirmFactory(
            complete=True,
            name="Bingcheng Privacy Partners",
            slug="bingcheng-privacy-partners",
            email="office@bingcheng.example",
            cities=[city],
            practice_areas=[area],
            languages=["zh"],
        )
        self.lawyer = with_password(FirmUserFactory(email="wang.lei@songhua.example"))
        MembershipFactory(user=self.lawyer, firm=self.firm, role="owner")
        self.url = self.guide.get_absolute_url()


@pytest.fixture
def market(transactional_db, harbin, cyber_law):
    return Market(city=harbin, area=cyber_law)


def emails_to(address):
    from django.core import mail

    return [message for message in mail.outbox if address in message.to]


def link_in(message, path_prefix):
    """The first link in an email's text part whose path starts with `path_prefix`."""
    from django.conf import settings

    for url in re.findall(r"https?://\S+", message.body):
        if url.startswith(settings.SITE_URL + path_prefix):
            return url
    raise AssertionError(f"no link to {path_prefix} in the email {message.subject!r}:\n{message.body}")
