"""axe-core and the Nu HTML Checker on every page type, in the light and the dark colour scheme.

The pages are tests/browser/test_phone_layout.py's PAGES, with its World (long, realistic
data), so a new route is checked here as soon as it is added there. Django's admin pages are
left out: their markup is Django's own.

axe runs on each page as shown in the light scheme, then again with the page switched to the
dark one (prefers-color-scheme: dark): no violation of impact serious or critical in either.
In the dark scheme only the rules that read colours run (COLOUR_RULES): the others read the
markup, the same in both, and a second full run would double this test's time.
The Nu HTML Checker reads the HTML the server sent, which is the same in both schemes (the
server does not know the visitor's scheme), so once per page: no error.
"""

import pytest

from audit.checks import axe_violations, blocking, describe_axe_violations, nu_checker_errors
from tests.browser.test_accessibility_and_markup import java_or_skip
from tests.browser.test_phone_layout import World, visit_count, walk_every_page

pytestmark = pytest.mark.browser

# axe-core's rules whose outcome depends on the colours shown (WCAG AA: text contrast, and links
# told from the text around them by colour alone).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


@pytest.fixture
def world(transactional_db, harbin, cyber_law):
    return World(harbin, cyber_law)


def remember_documents(people):
    """Each page opened from now on keeps its last main document's response (page.document):
    the server's own bytes, also for a page answering a form's POST."""
    open_page = people.open

    def opening(who):
        page = open_page(who)

        def on_response(response, page=page):
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                page.document = response

        page.on("response", on_response)
        return page

    people.open = opening


def test_every_page_passes_axe_in_light_and_dark_and_the_nu_html_checker(people, world, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    java = java_or_skip()
    remember_documents(people)
    axe = Axe()
    light, dark, names = [], [], {}
    for name, what, page in walk_every_page(people, world, admin=False):
        page.emulate_media(color_scheme="light")
        light += describe_axe_violations(f"{what} ({name})", blocking(axe_violations(page, axe)))
        page.emulate_media(color_scheme="dark")
        dark += describe_axe_violations(
            f"{what} ({name}), dark", blocking(axe_violations(page, axe, rules=COLOUR_RULES))
        )
        page.emulate_media(color_scheme="light")
        file = f"{len(names) + 1:03d}.html"
        (tmp_path / file).write_text(page.document.text())
        names[file] = what

    assert len(names) == visit_count(admin=False)
    assert not light, "axe found serious or critical violations:\n" + "\n".join(light)
    assert not dark, "axe found serious or critical violations in the dark scheme:\n" + "\n".join(dark)
    errors = nu_checker_errors(tmp_path, names, java=java)
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors)
    people.assert_no_csp_violations()
