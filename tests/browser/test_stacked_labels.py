"""On a phone a table's rows become cards whose cells are named by their column (the
data-label before each value). In Chinese the name ends in the full-width colon, as Chinese
text does, not in the ": " an English label takes."""

import pytest

from tests.factories import FirmFactory, ServiceFeeFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LABEL = "element => getComputedStyle(element, '::before').content"


@pytest.fixture
def firm(transactional_db, harbin, cyber_law):
    firm = FirmFactory(name="Songhua River Law", slug="songhua-river-law", cities=[harbin], practice_areas=[cyber_law])
    ServiceFeeFactory(firm=firm, service="Data breach response", fee_model="flat", amount_min=8000, notes="Advice")
    return firm


@pytest.mark.parametrize(("prefix", "expected"), [("", '"Fee: "'), ("/zh-hans", '"收费："')])
def test_a_fee_on_a_phone_is_named_with_the_languages_own_colon(people, firm, prefix, expected):
    page = people.open("visitor")
    page.set_viewport_size(PHONE)
    page.goto(f"{prefix}/firms/{firm.slug}/")

    fee = page.locator("section[aria-labelledby=fees-heading] td[data-label]").first

    assert fee.evaluate(LABEL) == expected
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
