"""The side panel of a guide page: the call to action, the guide's contents and who reviewed
it, kept beside the text on wide screens (site.css, "Guide pages"; the layout itself is
checked in tests/browser/test_guide_layout.py)."""

import datetime

import pytest
from django.utils import timezone

from guides.models import landing_url
from tests.factories import FaqItemFactory, FirmFactory, GuideFactory

pytestmark = pytest.mark.django_db


def panel(tree):
    (element,) = [div for div in tree.iter("div") if div.get("class") == "landing__panel"]
    return element


def contents(tree):
    (nav,) = [nav for nav in panel(tree).iter("nav") if nav.get("aria-labelledby") == "toc-heading"]
    return [(a.get("href"), "".join(a.itertext())) for a in nav.iter("a")]


def ids_in_page_order(tree):
    return [element.get("id") for element in tree.iter() if element.get("id")]


@pytest.fixture
def guide(harbin, cyber_law):
    guide = GuideFactory(
        published=True,
        city=harbin,
        practice_area=cyber_law,
        reviewer_name="Li Na",
        reviewer_credentials="Lawyer admitted in Heilongjiang",
        last_reviewed_on=datetime.date(2025, 3, 14),
    )
    FaqItemFactory(guide=guide, question="Who investigates a data breach?")
    return guide


def test_the_panel_offers_the_form_for_the_city_and_area(client, guide, harbin, cyber_law, assert_valid_html):
    side = panel(assert_valid_html(client.get(guide.get_absolute_url()).content))

    (link,) = [a for a in side.iter("a") if "button" in (a.get("class") or "")]
    assert link.get("href") == f"/requests/new/?city={harbin.pk}&practice_area={cyber_law.pk}"
    assert "".join(link.itertext()) == "Find a lawyer in Harbin"
    assert "Free. Takes 2 min." in "".join(side.itertext())


def test_the_contents_list_every_part_of_the_page_in_its_order(client, guide, assert_valid_html):
    tree = assert_valid_html(client.get(guide.get_absolute_url()).content)

    assert contents(tree) == [
        ("#firms", "Law firms"),
        ("#about", "About"),
        ("#why", "Why you may need a lawyer"),
        ("#local_laws", "Local laws overview"),
        ("#faq", "Frequently asked questions"),
        ("#resources", "Additional resources"),
        ("#next_steps", "Next steps"),
        ("#sources", "Sources"),
    ]
    # Each link leads to a part of the page, and the parts come in the listed order.
    ids = ids_in_page_order(tree)
    targets = [href.removeprefix("#") for href, _label in contents(tree)]
    assert all(target in ids for target in targets)
    assert sorted(targets, key=ids.index) == targets


def test_the_contents_leave_out_the_parts_a_guide_does_not_have(client, harbin, cyber_law, assert_valid_html):
    # No resources: the FAQ follows the last section. No FAQ, no link to it.
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law, resources_md="", why_md="")
    tree = assert_valid_html(client.get(guide.get_absolute_url()).content)
    assert [href for href, _label in contents(tree)] == ["#firms", "#about", "#local_laws", "#next_steps", "#sources"]

    FaqItemFactory(guide=guide)
    guide.save()  # as the admin saves the guide with its inlines
    tree = assert_valid_html(client.get(guide.get_absolute_url()).content)
    hrefs = [href for href, _label in contents(tree)]
    assert hrefs == ["#firms", "#about", "#local_laws", "#next_steps", "#faq", "#sources"]
    ids = ids_in_page_order(tree)
    assert ids.index("next_steps") < ids.index("faq") < ids.index("sources")


def test_the_panel_names_the_reviewer_and_the_last_review(client, guide, assert_valid_html):
    tree = assert_valid_html(client.get(guide.get_absolute_url()).content)
    text = " ".join("".join(panel(tree).itertext()).split())

    assert "Reviewed by Li Na, Lawyer admitted in Heilongjiang." in text
    assert "Last reviewed on 14 March 2025" in text
    (time,) = [t for t in panel(tree).iter("time")]
    assert time.get("datetime") == "2025-03-14"


def test_a_guide_due_for_review_says_so_in_the_panel(client, guide, assert_valid_html):
    guide.last_reviewed_on = timezone.localdate() - datetime.timedelta(days=500)
    guide.save()

    text = "".join(panel(assert_valid_html(client.get(guide.get_absolute_url()).content)).itertext())

    assert "This guide is due for review." in text


def test_a_page_without_a_guide_has_the_call_to_action_and_no_contents(client, harbin, cyber_law, assert_valid_html):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    side = panel(assert_valid_html(client.get(landing_url(city=harbin, practice_area=cyber_law)).content))

    assert side.find(".//nav") is None
    assert "Reviewed by" not in "".join(side.itertext())
    assert "Find a lawyer in Harbin" in "".join(side.itertext())
