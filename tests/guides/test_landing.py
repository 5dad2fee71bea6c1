"""The public landing page of a guide: /lawyers/<country>/<city>/<practice-area>/."""

import datetime
import json
from zoneinfo import ZoneInfo

import html5lib
import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guides.models import Guide
from tests.factories import EditorFactory, FaqItemFactory, GuideFactory, GuideSourceFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE_URL = "https://lawzana.example"


def landing_url(guide):
    return reverse(
        "guides:landing",
        kwargs={
            "country": guide.city.country.slug,
            "city": guide.city.slug,
            "practice_area": guide.practice_area.slug,
        },
    )


def json_ld_blocks(tree):
    return [json.loads(script.text) for script in tree.iter("script") if script.get("type") == "application/ld+json"]


def meta_content(tree, attribute, value):
    matches = [meta.get("content") for meta in tree.iter("meta") if meta.get(attribute) == value]
    assert len(matches) == 1, f"expected one <meta {attribute}={value!r}>, found {len(matches)}"
    return matches[0]


@pytest.fixture
def guide(harbin, cyber_law):
    guide = GuideFactory(
        published=True,
        city=harbin,
        practice_area=cyber_law,
        meta_description="How data protection law works in Harbin, and when to call a lawyer.",
        reviewer_name="Li Na",
        reviewer_credentials="Lawyer admitted in Heilongjiang",
    )
    FaqItemFactory(guide=guide, question="Second question?", position=2)
    FaqItemFactory(guide=guide, question="First question?", position=1)
    return guide


def test_it_shows_the_guide_title_sections_faq_sources_and_provenance(client, guide):
    response = client.get(landing_url(guide))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Best Cyber Law, Data Privacy and Data Protection Lawyers in Harbin" in content
    for heading in [
        "About Cyber Law, Data Privacy and Data Protection law in Harbin, China",
        "Why you may need a lawyer",
        "Local laws overview",
        "Additional resources",
        "Next steps",
        "Frequently asked questions",
        "Sources",
        "Disclaimer",
    ]:
        assert heading in content
    assert content.index("First question?") < content.index("Second question?")
    assert "Personal Information Protection Law" in content
    assert "Reviewed by Li Na" in content
    assert "Lawyer admitted in Heilongjiang" in content
    assert "Last reviewed on" in content
    assert "This guide is general information, not legal advice." in content


def test_it_shows_the_empty_firm_list_with_city_and_country(client, guide):
    response = client.get(landing_url(guide))

    assert (
        "We haven't listed any Cyber Law, Data Privacy and Data Protection lawyers in Harbin, China yet."
        in response.content.decode()
    )


def test_it_points_search_engines_at_the_canonical_url_with_the_guides_own_description(
    client, guide, settings, assert_valid_html
):
    settings.SITE_URL = SITE_URL

    response = client.get(landing_url(guide), HTTP_HOST="localhost")

    tree = assert_valid_html(response.content)
    canonical = [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"]
    assert canonical == [f"{SITE_URL}{landing_url(guide)}"]
    # The heading is 66 characters: the title drops "Best" and shortens the area, keeping the city.
    assert tree.find(".//h1").text == str(guide.title)
    assert tree.find(".//title").text == "Cyber Law, Data Privacy and Data… Lawyers in Harbin"
    assert meta_content(tree, "property", "og:title") == tree.find(".//title").text
    assert meta_content(tree, "name", "description").startswith(guide.meta_description)


def test_it_describes_the_faq_and_breadcrumbs_as_json_ld(client, guide, settings, assert_valid_html):
    settings.SITE_URL = SITE_URL

    response = client.get(landing_url(guide))

    blocks = json_ld_blocks(assert_valid_html(response.content))
    (faq,) = [block for block in blocks if block["@type"] == "FAQPage"]
    assert [question["name"] for question in faq["mainEntity"]] == ["First question?", "Second question?"]
    assert all(question["@type"] == "Question" for question in faq["mainEntity"])
    assert faq["mainEntity"][0]["acceptedAnswer"] == {"@type": "Answer", "text": "An answer."}
    (breadcrumbs,) = [block for block in blocks if block["@type"] == "BreadcrumbList"]
    last = breadcrumbs["itemListElement"][-1]
    assert last["item"] == f"{SITE_URL}{landing_url(guide)}"
    assert last["name"] == guide.practice_area.name
    assert [item["position"] for item in breadcrumbs["itemListElement"]] == [1, 2, 3, 4]


def test_it_keeps_a_script_closing_faq_question_inside_the_json_ld(client, guide, assert_valid_html):
    question = "Can I sue?</script><script>alert(1)</script>"
    FaqItemFactory(guide=guide, question=question, position=3)

    response = client.get(landing_url(guide))

    content = response.content.decode()
    assert "</script><script>" not in content
    assert "<script>alert(1)" not in content
    (faq,) = [block for block in json_ld_blocks(assert_valid_html(content)) if block["@type"] == "FAQPage"]
    assert faq["mainEntity"][-1]["name"] == question


def test_it_gives_faq_answers_to_search_engines_as_plain_text_without_html_entities(client, guide):
    # Bug: the answer text is the sanitized HTML with tags stripped but entities left in,
    # so search results would show "Fees &amp; costs".
    FaqItemFactory(guide=guide, question="What does it cost?", answer_md="Fees & costs: 3 < 4.", position=3)

    response = client.get(landing_url(guide))

    blocks = json_ld_blocks(html5lib.parse(response.content.decode(), namespaceHTMLElements=False))
    (faq,) = [block for block in blocks if block["@type"] == "FAQPage"]
    assert faq["mainEntity"][-1]["acceptedAnswer"]["text"] == "Fees & costs: 3 < 4."


@pytest.mark.parametrize(
    ("status", "days_until_published"),
    [(Guide.Status.DRAFT, None), (Guide.Status.REVIEW, None), (Guide.Status.PUBLISHED, 1)],
    ids=["draft", "in review", "scheduled"],
)
def test_it_hides_guides_that_are_not_live(client, harbin, cyber_law, status, days_until_published):
    published_at = None
    if days_until_published is not None:
        published_at = timezone.now() + datetime.timedelta(days=days_until_published)
    guide = GuideFactory(
        city=harbin, practice_area=cyber_law, status=status, published_at=published_at, summary="Not out yet."
    )
    GuideSourceFactory(guide=guide)

    response = client.get(landing_url(guide))

    # The city and area still have their page, without the guide.
    content = response.content.decode()
    assert response.status_code == 200
    assert "Not out yet." not in content
    assert "Reviewed by" not in content
    assert "In this guide" not in content


def test_it_shows_a_scheduled_guide_once_its_publish_time_has_passed(client, harbin, cyber_law):
    publish_at = timezone.now() + datetime.timedelta(hours=6)
    guide = GuideFactory(
        published=True, city=harbin, practice_area=cyber_law, published_at=publish_at, summary="Out at six."
    )

    assert "Out at six." not in client.get(landing_url(guide)).content.decode()
    with time_machine.travel(publish_at + datetime.timedelta(minutes=1)):
        response = client.get(landing_url(guide))

    assert response.status_code == 200
    assert str(guide.title) in response.content.decode()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"country": "atlantis", "city": "harbin", "practice_area": "cyber-law-data-privacy-and-data-protection"},
        {"country": "china", "city": "nowhere", "practice_area": "cyber-law-data-privacy-and-data-protection"},
        {"country": "china", "city": "harbin", "practice_area": "underwater-basket-law"},
    ],
    ids=["country", "city", "practice area"],
)
def test_it_answers_unknown_places_and_areas_with_the_not_found_page(client, guide, kwargs):
    response = client.get(reverse("guides:landing", kwargs=kwargs))

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_it_ignores_junk_in_the_query_string(client, guide):
    response = client.get(f"{landing_url(guide)}?x=%00&faq=%ff%fe&language=%00")

    assert response.status_code == 200
    assert str(guide.title) in response.content.decode()


@pytest.mark.parametrize("page", ["-1", "0", "99999", "abc"])
def test_a_firm_list_page_out_of_range_is_not_found(client, guide, page):
    response = client.get(f"{landing_url(guide)}?page={page}")

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_writes_with_a_405_page(client, guide, method):
    response = getattr(client, method)(landing_url(guide))

    assert response.status_code == 405
    assert response["Content-Type"].startswith("text/html")
    assert "That action isn't available here" in response.content.decode()
    assert "GET" in response["Allow"]


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_the_same_number_of_queries_however_many_faq_items_there_are(client, harbin, cyber_law):
    small = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    FaqItemFactory.create_batch(2, guide=small)
    GuideSourceFactory.create_batch(2, guide=small)
    large = GuideFactory(published=True, city=harbin)
    FaqItemFactory.create_batch(30, guide=large)
    GuideSourceFactory.create_batch(12, guide=large)

    assert _count_queries(client, landing_url(small)) == _count_queries(client, landing_url(large))


def test_it_runs_fewer_queries_once_the_guide_body_is_cached(client, guide, django_assert_max_num_queries):
    cold = _count_queries(client, landing_url(guide))

    with django_assert_max_num_queries(cold - 1):
        response = client.get(landing_url(guide))

    assert "First question?" in response.content.decode()


def test_it_shows_an_edited_section_at_once_despite_the_cache(client, guide):
    client.get(landing_url(guide))  # warm the cache
    guide.about_md = "Harbin has a **new** data office."
    guide.save()

    response = client.get(landing_url(guide))

    assert "Harbin has a <strong>new</strong> data office." in response.content.decode()


def test_it_shows_a_faq_answer_changed_in_the_admin_at_once_despite_the_cache(client, guide, admin_form_data):
    assert "An answer." in client.get(landing_url(guide)).content.decode()  # warm the cache
    editor = EditorFactory()
    client.force_login(editor)
    change_url = reverse("admin:guides_guide_change", args=[guide.pk])
    data = admin_form_data(client.get(change_url))
    first = next(key for key, value in data.items() if key.endswith("-question") and value == "First question?")
    data[first.replace("-question", "-answer_md")] = "Only if the **contract** allows it."

    assert client.post(change_url, data).status_code == 302
    client.logout()
    response = client.get(landing_url(guide))

    assert "Only if the <strong>contract</strong> allows it." in response.content.decode()


@time_machine.travel(datetime.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI))
@pytest.mark.parametrize(("months_ago", "is_due"), [(13, True), (2, False)])
def test_it_warns_readers_when_the_guide_is_due_for_review(client, harbin, cyber_law, settings, months_ago, is_due):
    settings.GUIDE_STALE_AFTER_MONTHS = 12
    reviewed_on = timezone.localdate() - relativedelta(months=months_ago)
    guide = GuideFactory(published=True, city=harbin, practice_area=cyber_law, last_reviewed_on=reviewed_on)

    response = client.get(landing_url(guide))

    assert ("This guide is due for review" in response.content.decode()) is is_due


def test_it_gives_the_review_date_in_machine_readable_form(client, guide):
    # Bug: the <time> element inside {% blocktranslate %} renders datetime="" (a filter
    # cannot be used inside blocktranslate), so the review date is lost to machines.
    response = client.get(landing_url(guide))

    assert f'<time datetime="{guide.last_reviewed_on:%Y-%m-%d}">' in response.content.decode()


def test_it_shows_a_renamed_practice_area_everywhere_on_the_page_at_once(client, guide):
    # Bug: the cached guide body (keyed on the guide's updated_at only) keeps the old name in
    # its "About … law in …" heading for GUIDE_CACHE_SECONDS after the area is renamed.
    client.get(landing_url(guide))  # warm the cache
    guide.practice_area.name = "Data Protection"
    guide.practice_area.save()

    response = client.get(landing_url(guide))

    content = response.content.decode()
    assert "Best Data Protection Lawyers in Harbin" in content
    assert "About Data Protection law in Harbin, China" in content
    assert "Cyber Law, Data Privacy and Data Protection" not in content
