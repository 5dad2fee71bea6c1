"""A guide in two languages: each page shows the guide in its own language, a page whose guide
exists only in the other language points to it, and editors see which versions exist and which
one has fallen behind the other."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from guides.models import Guide, landing_url
from tests.factories import EditorFactory, FirmFactory, GuideFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "admin:guides_guide_changelist"


def zh_url(city, area):
    with translation.override("zh-hans"):
        return landing_url(city=city, practice_area=area)


def en_url(city, area):
    with translation.override("en"):
        return landing_url(city=city, practice_area=area)


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


# The public pages


def test_each_language_shows_its_own_guide(client, harbin, cyber_law):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law, summary="Harbin applies the PIPL.")
    GuideFactory(
        published=True, city=harbin, practice_area=cyber_law, language="zh-hans", summary="哈尔滨适用个人信息保护法。"
    )

    chinese = client.get(zh_url(harbin, cyber_law)).content.decode()
    english = client.get(en_url(harbin, cyber_law)).content.decode()

    assert zh_url(harbin, cyber_law).startswith("/zh-hans/")
    assert re.search(r'<html lang="zh-hans"', chinese, re.IGNORECASE)
    assert "哈尔滨适用个人信息保护法。" in chinese and "Harbin applies the PIPL." not in chinese
    assert "Harbin applies the PIPL." in english and "哈尔滨适用个人信息保护法。" not in english
    assert "guide-elsewhere" not in chinese + english


def test_a_page_whose_guide_is_only_in_english_shows_the_firms_the_form_and_a_link_to_it(
    client, harbin, cyber_law, assert_valid_html
):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law, summary="Harbin applies the PIPL.")
    FirmFactory(name="Songhua Data Law", cities=[harbin], practice_areas=[cyber_law])

    response = client.get(zh_url(harbin, cyber_law))

    assert response.status_code == 200
    content = response.content.decode()
    assert_valid_html(content)
    assert "Harbin applies the PIPL." not in content  # the notice, not the English text
    notice = re.search(r'<p class="notice guide-elsewhere" role="note">(.*?)</p>', content, re.DOTALL).group(1)
    assert "This guide is available in English." in notice or "本指南暂无中文版" in notice
    assert f'<a href="{en_url(harbin, cyber_law)}" hreflang="en" lang="en">Read the guide in English</a>' in notice
    assert "Songhua Data Law" in content
    assert reverse("intake:lead_new") in content  # the request form
    # The page does not pass the English guide off as its own.
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', content).group(1)
    assert canonical.endswith(zh_url(harbin, cyber_law))
    assert '<meta property="og:type" content="website">' in content
    assert "article:modified_time" not in content
    assert "FAQPage" not in content


def test_an_english_page_points_to_a_guide_written_only_in_chinese(client, harbin, cyber_law):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law, language="zh-hans")

    content = client.get(en_url(harbin, cyber_law)).content.decode()

    assert "This guide is available in Chinese." in content
    assert f'href="{zh_url(harbin, cyber_law)}" hreflang="zh-hans" lang="zh-hans"' in content


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_guide_not_live_in_the_other_language_is_not_offered(client, harbin, cyber_law, state):
    if state == "draft":
        GuideFactory(city=harbin, practice_area=cyber_law)
    else:
        GuideFactory(
            published=True, city=harbin, practice_area=cyber_law, published_at=timezone.now() + datetime.timedelta(1)
        )

    content = client.get(zh_url(harbin, cyber_law)).content.decode()

    assert "guide-elsewhere" not in content


def test_the_link_to_the_other_language_costs_no_query(client, harbin, cyber_law, employment_law):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law)

    with_notice = queries_for(client, zh_url(harbin, cyber_law))
    without = queries_for(client, zh_url(harbin, employment_law))

    assert with_notice == without


def test_the_city_and_practice_area_pages_list_only_the_guides_in_their_language(
    client, harbin, cyber_law, employment_law
):
    GuideFactory(published=True, city=harbin, practice_area=cyber_law, language="zh-hans")
    GuideFactory(published=True, city=harbin, practice_area=employment_law)
    chinese_link, english_link = f'href="{zh_url(harbin, cyber_law)}"', f'href="{en_url(harbin, employment_law)}"'
    zh_employment_link = f'href="{zh_url(harbin, employment_law)}"'

    with translation.override("zh-hans"):
        city_page = client.get(harbin.get_absolute_url()).content.decode()
        area_page = client.get(cyber_law.get_absolute_url()).content.decode()
        counts = {
            city.slug: city.guide_count
            for country in client.get(reverse("guides:city_index")).context["countries"]
            for city in country.cities.all()
        }
    with translation.override("en"):  # a request leaves its language active in the thread
        english_city_page = client.get(harbin.get_absolute_url()).content.decode()

    assert chinese_link in area_page
    assert chinese_link in city_page and zh_employment_link not in city_page
    assert english_link in english_city_page
    assert f'href="{en_url(harbin, cyber_law)}"' not in english_city_page
    assert counts[harbin.slug] == 1  # the Chinese guide, not the English one as well


# The admin


def change_section(client, admin_form_data, guide, **fields):
    change_url = reverse("admin:guides_guide_change", args=[guide.pk])
    data = admin_form_data(client.get(change_url))
    data.update(fields)
    assert client.post(change_url, data).status_code == 302


def version_lines(client, guide):
    content = client.get(reverse(CHANGELIST_URL)).content.decode()
    rows = re.findall(r"<tr[^>]*>(?:(?!</tr>).)*</tr>", content, re.DOTALL)
    (row,) = [row for row in rows if f"/guides/guide/{guide.pk}/change/" in row.split('class="field-versions"')[0]]
    cell = re.search(r'<td class="field-versions">(.*?)</td>', row, re.DOTALL).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip() for line in cell.split("<br>")]


def test_the_guide_list_shows_both_versions_and_which_one_is_out_of_date(
    editor_client, admin_form_data, harbin, cyber_law, employment_law
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2)):
        english = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1)):
        chinese = GuideFactory(city=harbin, practice_area=cyber_law, language="zh-hans")
    alone = GuideFactory(city=harbin, practice_area=employment_law)

    # A translation written after the original is up to date with it, and so is the original.
    assert version_lines(editor_client, english) == ["English: Published", "简体中文: Draft"]
    assert version_lines(editor_client, alone) == ["English: Draft", "简体中文: none"]

    change_section(editor_client, admin_form_data, english, local_laws_md="The PIPL and the new 2025 rules apply.")

    assert version_lines(editor_client, english) == ["English: Published", "简体中文: Draft out of date"]
    assert version_lines(editor_client, chinese) == ["English: Published", "简体中文: Draft out of date"]

    # Bringing the translation up to date clears the warning; a status change alone does not.
    change_section(editor_client, admin_form_data, chinese, status=Guide.Status.REVIEW)
    assert version_lines(editor_client, chinese)[1] == "简体中文: In review out of date"
    change_section(editor_client, admin_form_data, chinese, local_laws_md="个人信息保护法及2025年新规适用。")
    assert version_lines(editor_client, chinese) == ["English: Published", "简体中文: In review"]


def test_editing_a_faq_item_alone_makes_the_other_version_out_of_date(
    editor_client, admin_form_data, harbin, cyber_law
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1)):
        english = GuideFactory(published=True, city=harbin, practice_area=cyber_law)
        chinese = GuideFactory(published=True, city=harbin, practice_area=cyber_law, language="zh-hans")

    change_url = reverse("admin:guides_guide_change", args=[chinese.pk])
    data = admin_form_data(editor_client.get(change_url))
    data.update({"faq_items-0-position": 0, "faq_items-0-question": "新问题？", "faq_items-0-answer_md": "答案。"})
    data["faq_items-TOTAL_FORMS"] = 1
    assert editor_client.post(change_url, data).status_code == 302

    english.refresh_from_db()
    assert version_lines(editor_client, english) == ["English: Published out of date", "简体中文: Published"]


def test_the_change_form_links_to_the_other_version(editor_client, harbin, cyber_law):
    english = GuideFactory(city=harbin, practice_area=cyber_law)
    chinese = GuideFactory(city=harbin, practice_area=cyber_law, language="zh-hans", status=Guide.Status.REVIEW)

    content = editor_client.get(reverse("admin:guides_guide_change", args=[english.pk])).content.decode()

    assert f'<a href="{reverse("admin:guides_guide_change", args=[chinese.pk])}">简体中文: In review</a>' in content


def test_the_change_form_offers_to_add_the_missing_version_prefilled(editor_client, harbin, cyber_law):
    english = GuideFactory(city=harbin, practice_area=cyber_law)

    content = editor_client.get(reverse("admin:guides_guide_change", args=[english.pk])).content.decode()
    (href,) = re.findall(r'<a class="addlink" href="([^"]+)">Add the 简体中文 version</a>', content)
    add_form = editor_client.get(href.replace("&amp;", "&")).content.decode()

    assert re.search(rf'<option value="{harbin.pk}" selected>', add_form)
    assert re.search(rf'<option value="{cyber_law.pk}" selected>', add_form)
    assert '<option value="zh-hans" selected>' in add_form
