"""Each country (and, where needed, a practice area in it) has a legal notice that editors keep
with revisions: landing pages, firm profiles and the request form show the one that applies,
in the visitor's language, and no guide goes live in a country without one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from directory.models import Disclaimer
from guides.models import Guide, landing_url
from guides.services import guide_publish
from tests.factories import (
    CityFactory,
    CountryFactory,
    DisclaimerFactory,
    EditorFactory,
    FirmFactory,
    GuideFactory,
    GuideSourceFactory,
    RegionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

COUNTRY_TEXT = "Information only, not legal advice in China."
AREA_TEXT = "Data protection rules in China change often."


def page(client, city, area, language="en"):
    with translation.override(language):
        url = landing_url(city=city, practice_area=area)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def china_notice(harbin):
    return DisclaimerFactory(country=harbin.country, text_en=COUNTRY_TEXT)


# Which notice a page shows


def test_the_landing_page_shows_the_areas_notice_where_there_is_one_and_the_countrys_elsewhere(
    client, harbin, cyber_law, employment_law, china_notice, assert_valid_html
):
    DisclaimerFactory(country=harbin.country, practice_area=cyber_law, text_en=AREA_TEXT)

    cyber = page(client, harbin, cyber_law)
    employment = page(client, harbin, employment_law)

    assert_valid_html(cyber)
    assert "Legal notice" in cyber
    assert AREA_TEXT in cyber and COUNTRY_TEXT not in cyber
    assert COUNTRY_TEXT in employment and AREA_TEXT not in employment


def test_under_a_guide_the_notice_joins_the_guides_disclaimer_instead_of_a_second_box(
    client, harbin, cyber_law, china_notice, assert_valid_html
):
    guide = GuideFactory(city=harbin, practice_area=cyber_law)
    GuideSourceFactory(guide=guide)
    guide_publish(guide=guide)

    content = page(client, harbin, cyber_law)

    assert_valid_html(content)
    assert content.count(">Disclaimer</h2>") == 1
    assert ">Legal notice</h2>" not in content
    assert "Legal notice for China:" in content and COUNTRY_TEXT in content
    assert content.index('id="disclaimer-heading"') < content.index(COUNTRY_TEXT)


def test_a_groups_notice_covers_its_areas(client, harbin, cyber_law, china_notice):
    DisclaimerFactory(country=harbin.country, practice_area=cyber_law.parent, text_en="For all technology matters.")

    assert "For all technology matters." in page(client, harbin, cyber_law)


def test_another_countrys_notice_is_not_shown(client, cyber_law):
    berlin = CityFactory(region=RegionFactory(country=CountryFactory(name="Germany", slug="germany", code="DE")))
    DisclaimerFactory(country=CountryFactory(), text_en=COUNTRY_TEXT)  # China's

    content = page(client, berlin, cyber_law)

    assert COUNTRY_TEXT not in content and "Legal notice" not in content


def test_the_chinese_page_shows_the_chinese_notice_and_the_english_one_when_none_is_written(
    client, harbin, cyber_law, employment_law, china_notice
):
    DisclaimerFactory(
        country=harbin.country, practice_area=cyber_law, text_en=AREA_TEXT, text_zh_hans="数据保护规则常有变化。"
    )

    chinese = page(client, harbin, cyber_law, "zh-hans")
    fallback = page(client, harbin, employment_law, "zh-hans")

    assert "数据保护规则常有变化。" in chinese and AREA_TEXT not in chinese
    assert COUNTRY_TEXT in fallback


def test_an_inactive_areas_notice_gives_way_to_the_countrys(client, harbin, cyber_law, china_notice):
    DisclaimerFactory(country=harbin.country, practice_area=cyber_law, text_en=AREA_TEXT, is_active=False)

    content = page(client, harbin, cyber_law)

    assert AREA_TEXT not in content and COUNTRY_TEXT in content


def test_an_inactive_countrys_notice_is_not_shown(client, harbin, cyber_law):
    DisclaimerFactory(country=harbin.country, text_en=COUNTRY_TEXT, is_active=False)

    content = page(client, harbin, cyber_law)

    assert COUNTRY_TEXT not in content and "Legal notice" not in content


def test_html_in_a_notice_is_shown_as_text_with_its_line_breaks(client, harbin, cyber_law):
    DisclaimerFactory(country=harbin.country, text_en='<script>alert("x")</script>\nSecond line')

    content = page(client, harbin, cyber_law)

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Second line" in content


def test_the_firm_profile_shows_its_countrys_notice_and_advertising_rules(
    client, harbin, cyber_law, assert_valid_html
):
    DisclaimerFactory(
        country=harbin.country, text_en=COUNTRY_TEXT, advertising_rules_en="Firms may not promise results."
    )
    DisclaimerFactory(country=harbin.country, practice_area=cyber_law, text_en=AREA_TEXT)
    firm = FirmFactory(cities=[harbin], practice_areas=[cyber_law], is_listed=True)

    content = client.get(firm.get_absolute_url()).content.decode()

    assert_valid_html(content)
    assert COUNTRY_TEXT in content and AREA_TEXT not in content
    assert "Rules on lawyer advertising in China" in content
    assert "Firms may not promise results." in content


def test_the_request_form_shows_the_chosen_places_and_areas_notice_before_sending(
    client, settings, harbin, cyber_law, china_notice, assert_valid_html
):
    settings.LEAD_MIN_FILL_SECONDS = 0
    DisclaimerFactory(country=harbin.country, practice_area=cyber_law, text_en=AREA_TEXT)

    first = client.get("/requests/new/").content.decode()
    response = client.post(
        "/requests/new/",
        {"lead_new-current_step": "what", "what-practice_area": cyber_law.pk, "what-city": harbin.pk},
    )
    details = client.get(response["Location"]).content.decode()

    assert_valid_html(details)
    assert AREA_TEXT not in first  # nothing chosen yet
    assert AREA_TEXT in details and COUNTRY_TEXT not in details
    assert details.index(AREA_TEXT) < details.index('name="wizard_goto_step"')  # above the buttons


# Publishing


def test_a_guide_in_a_country_without_a_notice_is_not_published(harbin, cyber_law):
    guide = GuideFactory(city=harbin, practice_area=cyber_law)
    GuideSourceFactory(guide=guide)
    DisclaimerFactory(country=harbin.country, practice_area=cyber_law)  # an area's is not enough

    with pytest.raises(ValidationError) as refused:
        guide_publish(guide=guide)

    assert "China has no active legal notice" in " ".join(refused.value.messages)
    guide.refresh_from_db()
    assert guide.status == Guide.Status.DRAFT


def test_the_publish_action_refuses_it_and_publishes_it_once_the_country_has_a_notice(client, harbin, cyber_law):
    guide = GuideFactory(city=harbin, practice_area=cyber_law)
    GuideSourceFactory(guide=guide)
    client.force_login(EditorFactory())
    changelist = reverse("admin:guides_guide_changelist")
    action = {"action": "publish_now", "_selected_action": [guide.pk], "index": 0}

    refused = client.post(changelist, action, follow=True).content.decode()
    guide.refresh_from_db()
    assert "China has no active legal notice" in refused
    assert guide.status == Guide.Status.DRAFT

    DisclaimerFactory(country=harbin.country)
    client.post(changelist, action)
    guide.refresh_from_db()
    assert guide.is_live


def test_the_guide_form_refuses_to_publish_without_a_notice(client, admin_form_data, harbin, cyber_law):
    guide = GuideFactory(city=harbin, practice_area=cyber_law)
    GuideSourceFactory(guide=guide)
    client.force_login(EditorFactory())
    url = reverse("admin:guides_guide_change", args=[guide.pk])
    data = {**admin_form_data(client.get(url)), "status": Guide.Status.PUBLISHED}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "China has no active legal notice" in response.content.decode()
    guide.refresh_from_db()
    assert guide.status == Guide.Status.DRAFT


# Editing


def test_every_admin_save_keeps_a_revision(client, admin_form_data, harbin):
    client.force_login(EditorFactory())
    add = reverse("admin:directory_disclaimer_add")
    data = {
        **admin_form_data(client.get(add)),
        "country": harbin.country.pk,
        "text_en": "First words.",
        "is_active": "on",
    }
    assert client.post(add, data).status_code == 302
    notice = Disclaimer.objects.get()
    change = reverse("admin:directory_disclaimer_change", args=[notice.pk])
    assert client.post(change, {**admin_form_data(client.get(change)), "text_en": "Second words."}).status_code == 302

    versions = Version.objects.get_for_object(notice)
    assert [version.field_dict["text_en"] for version in versions] == ["Second words.", "First words."]


def test_operators_may_edit_notices_too(client, china_notice):
    from django.contrib.auth.models import Group

    operator = StaffFactory()
    operator.groups.add(Group.objects.get(name="Operators"))
    client.force_login(operator)

    assert client.get(reverse("admin:directory_disclaimer_change", args=[china_notice.pk])).status_code == 200
    assert operator.has_perm("directory.change_disclaimer")
    assert not operator.has_perm("directory.delete_disclaimer")


def test_an_edit_shows_on_the_cached_landing_page_at_the_next_request(
    client, harbin, cyber_law, china_notice, django_capture_on_commit_callbacks
):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    assert COUNTRY_TEXT in page(client, harbin, cyber_law)
    with CaptureQueriesContext(connection) as queries:
        page(client, harbin, cyber_law)
    assert len(queries) == 0  # served from the page cache

    with django_capture_on_commit_callbacks(execute=True):
        china_notice.text_en = "An edited notice."
        china_notice.save()

    content = page(client, harbin, cyber_law)
    assert "An edited notice." in content and COUNTRY_TEXT not in content


def test_the_notice_costs_the_landing_page_at_most_one_query(
    client, harbin, shanghai, cyber_law, monkeypatch, china_notice
):
    for city in (harbin, shanghai):  # two pages alike, so that neither comes from the page cache
        GuideFactory(published=True, city=city, practice_area=cyber_law)
        FirmFactory(cities=[city], practice_areas=[cyber_law], is_listed=True)
    with CaptureQueriesContext(connection) as with_notice:
        assert COUNTRY_TEXT in page(client, harbin, cyber_law)

    monkeypatch.setattr("guides.views.disclaimer_for", lambda *args: None)  # as before notices
    with CaptureQueriesContext(connection) as without:
        assert COUNTRY_TEXT not in page(client, shanghai, cyber_law)

    assert len(with_notice) - len(without) <= 1


def test_the_admin_names_the_countries_without_a_notice_as_an_upgraded_database_has(client, harbin):
    germany = CountryFactory(name="Germany", slug="germany", code="DE")
    CityFactory(region=RegionFactory(country=germany), name="Berlin", slug="berlin")
    CountryFactory(name="Japan", slug="japan", code="JP")  # no city: no page needs a notice
    switched_off = DisclaimerFactory(country=germany, is_active=False)  # as good as none
    client.force_login(EditorFactory())

    for url in (reverse("admin:directory_disclaimer_changelist"), reverse("admin:guides_guide_changelist")):
        content = client.get(url).content.decode()
        assert "No active legal notice for China, Germany:" in content
        assert "Japan, " not in content and ", Japan" not in content

    DisclaimerFactory(country=harbin.country)
    switched_off.is_active = True
    switched_off.save()
    content = client.get(reverse("admin:guides_guide_changelist")).content.decode()
    assert "No active legal notice" not in content
