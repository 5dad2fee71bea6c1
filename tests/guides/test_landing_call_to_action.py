"""The request form's call to action on a city x practice-area page: at the top (beside the
text on wide screens, see site.css) and, on a long guide page, again where the reader finishes."""

import re

import pytest

from guides.models import landing_url
from tests.factories import FaqItemFactory, FirmFactory, GuideFactory

pytestmark = pytest.mark.django_db

END_HEADING = "Need a lawyer for this? Share your needs, and law firms contact you."


@pytest.fixture
def guide(harbin, cyber_law):
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law, resources_md="")
    FaqItemFactory(guide=guide, question="The last question?")
    return guide


def form_links(content):
    return re.findall(r'<a class="button button--primary" href="(/requests/new/[^"]*)">([^<]+)</a>', content)


def test_a_guide_page_offers_the_form_at_the_top_and_again_after_the_guide_and_its_faq(
    client, guide, harbin, cyber_law
):
    content = client.get(guide.get_absolute_url()).content.decode()

    form = f"/requests/new/?city={harbin.pk}&amp;practice_area={cyber_law.pk}"
    assert form_links(content) == [
        (form, "Find a lawyer in Harbin"),  # the top one
        (form, "Send us your request"),  # in the empty firm list
        (form, "Find a lawyer in Harbin"),  # where the guide ends
    ]
    next_steps = content.index('id="next_steps-heading"')
    faq = content.index("The last question?")
    end = content.index(END_HEADING)
    assert next_steps < end and faq < end
    assert end < content.index('id="sources-heading"') < content.index('id="disclaimer-heading"')


def test_a_page_without_a_guide_has_one_call_to_action(client, harbin, cyber_law):
    FirmFactory(cities=[harbin], practice_areas=[cyber_law])

    content = client.get(landing_url(city=harbin, practice_area=cyber_law)).content.decode()

    assert len(form_links(content)) == 1
    assert END_HEADING not in content


def test_the_two_calls_to_action_are_distinct_regions_with_unique_ids(client, guide, assert_valid_html):
    tree = assert_valid_html(client.get(guide.get_absolute_url()).content)

    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    regions = [section for section in tree.iter("section") if "cta" in (section.get("class") or "").split()]
    names = ["".join(tree.find(f".//*[@id='{region.get('aria-labelledby')}']").itertext()) for region in regions]
    assert names == ["Share your needs with us, get contacted by law firms.", END_HEADING]


def test_the_call_to_action_sits_in_the_aside_that_wide_screens_keep_beside_the_text(client, guide):
    content = client.get(guide.get_absolute_url()).content.decode()

    aside = content[content.index('<div class="landing__aside">') : content.index('<div class="landing__main">')]
    assert 'id="cta-top-heading"' in aside
    assert "cta-end-heading" in content[content.index('<div class="landing__main">') :]
