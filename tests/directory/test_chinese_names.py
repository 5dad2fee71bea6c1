"""Places and practice areas carry a Chinese name, and firms their own words in Chinese: a
visitor reading the site in Chinese sees them, one reading it in English the English ones, and
where one language is missing the other shows, marked with its language."""

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from demo.places import seed_places
from directory.models import City, PracticeArea
from tests.factories import (
    CityFactory,
    FirmFactory,
    PracticeAreaFactory,
    RegionFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbin_zh(db):
    region = RegionFactory(name="Heilongjiang", name_zh_hans="黑龙江省", slug="heilongjiang")
    return CityFactory(region=region, name="Harbin", name_zh_hans="哈尔滨", slug="harbin", is_capital=True)


@pytest.fixture
def corporate_zh(db):
    return PracticeAreaFactory(
        name="Corporate & Company Law",
        name_zh_hans="公司法务",
        slug="corporate-and-company-law",
        parent__name="Business & Corporate",
        parent__name_zh_hans="公司与商事",
        parent__slug="business-and-corporate",
    )


def page(client, path, language):
    with translation.override(language):
        url = path() if callable(path) else path
    return client.get(url).content.decode()


def in_language(language, text):
    with translation.override(language):
        return str(translation.gettext(text))


def landing(city, area):
    return lambda: reverse(
        "guides:landing", kwargs={"country": city.country.slug, "city": city.slug, "practice_area": area.slug}
    )


def test_the_city_page_is_headed_with_the_name_in_the_pages_language(client, harbin_zh):
    chinese = page(client, harbin_zh.get_absolute_url, "zh-hans")
    english = page(client, harbin_zh.get_absolute_url, "en")

    assert re.search(r"<h1>[^<]*哈尔滨[^<]*</h1>", chinese)
    assert re.search(r"<h1>[^<]*Harbin</h1>", english)
    assert "哈尔滨" not in english


def test_the_landing_page_title_and_breadcrumbs_name_the_area_and_city_in_chinese(client, harbin_zh, corporate_zh):
    FirmFactory(cities=[harbin_zh], practice_areas=[corporate_zh])

    chinese = page(client, landing(harbin_zh, corporate_zh), "zh-hans")
    english = page(client, landing(harbin_zh, corporate_zh), "en")

    title = chinese.split("<title>")[1].split("</title>")[0]
    assert "公司法务" in title and "哈尔滨" in title
    breadcrumbs = chinese.split('<nav class="breadcrumbs"')[1].split("</nav>")[0]
    assert "哈尔滨" in breadcrumbs and "公司法务" in breadcrumbs
    assert "Corporate &amp; Company Law" in english.split("</title>")[0]
    assert "公司法务" not in english


def test_a_place_without_a_chinese_name_shows_its_english_one_on_chinese_pages(client):
    city = CityFactory(name="Mudanjiang", slug="mudanjiang")

    chinese = page(client, city.get_absolute_url, "zh-hans")

    assert re.search(r"<h1>[^<]*Mudanjiang[^<]*</h1>", chinese)
    assert City.objects.get(pk=city.pk).name_zh_hans is None  # not "": unique columns stay free


def test_the_pickers_list_cities_countries_and_areas_in_the_pages_language(client, harbin_zh, corporate_zh):
    harbin_zh.country.name_zh_hans = "中国"
    harbin_zh.country.save()

    chinese = page(client, "/zh-hans/", "zh-hans")
    english = page(client, "/", "en")

    assert '<optgroup label="中国">' in chinese
    assert f'<option value="{harbin_zh.pk}">哈尔滨</option>' in chinese
    assert f'<option value="{harbin_zh.pk}">Harbin</option>' in english


def test_a_chinese_landing_page_costs_no_more_queries_than_the_english_one(client, harbin_zh, corporate_zh):
    FirmFactory.create_batch(3, cities=[harbin_zh], practice_areas=[corporate_zh])
    counts = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            url = landing(harbin_zh, corporate_zh)()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[language] = len(queries)

    assert counts["zh-hans"] == counts["en"]


# --- Firms' own words -------------------------------------------------------------------------


def test_a_firms_chinese_tagline_shows_on_chinese_pages_and_its_english_one_on_english_pages(
    client, harbin_zh, corporate_zh
):
    firm = FirmFactory(
        cities=[harbin_zh],
        practice_areas=[corporate_zh],
        tagline="Data protection from Harbin",
        tagline_zh_hans="立足哈尔滨的数据保护",
    )

    # The profile, and the firm's card on a landing page.
    for get in (firm.get_absolute_url, landing(harbin_zh, corporate_zh)):
        chinese = page(client, get, "zh-hans")
        english = page(client, get, "en")
        assert "立足哈尔滨的数据保护" in chinese and "Data protection from Harbin" not in chinese
        assert "Data protection from Harbin" in english and "立足哈尔滨的数据保护" not in english


def test_a_tagline_in_the_other_language_only_is_marked_with_its_language_and_a_note(client, harbin_zh):
    english_only = FirmFactory(cities=[harbin_zh], tagline="Data protection from Harbin")
    chinese_only = FirmFactory(cities=[harbin_zh], tagline_zh_hans="立足哈尔滨的数据保护")

    chinese = page(client, english_only.get_absolute_url, "zh-hans")
    english = page(client, chinese_only.get_absolute_url, "en")

    assert '<span lang="en">Data protection from Harbin</span>' in chinese
    assert in_language("zh-hans", "English only") in chinese
    assert '<span lang="zh-Hans">立足哈尔滨的数据保护</span>' in english
    assert "Chinese only" in english
    # In its own language it is not marked.
    own = page(client, chinese_only.get_absolute_url, "zh-hans")
    assert "立足哈尔滨的数据保护" in own
    assert '<span lang="zh-Hans">立足哈尔滨的数据保护</span>' not in own
    assert in_language("zh-hans", "Chinese only") not in own


def test_the_description_falls_back_to_the_other_language_marked(client, harbin_zh):
    firm = FirmFactory(cities=[harbin_zh], description_md_zh_hans="我们为**出口企业**提供数据保护法律服务。")

    english = page(client, firm.get_absolute_url, "en")

    assert '<div lang="zh-Hans"><p>我们为<strong>出口企业</strong>提供数据保护法律服务。</p></div>' in english
    assert "Chinese only" in english


def test_the_compare_page_shows_each_firms_tagline_in_the_visitors_language(client, harbin_zh):
    both = FirmFactory(cities=[harbin_zh], tagline="Disputes", tagline_zh_hans="争议解决")
    english_only = FirmFactory(cities=[harbin_zh], tagline="Contracts")

    def compare():
        return reverse("directory:compare") + f"?firm={both.slug}&firm={english_only.slug}"

    chinese = page(client, compare, "zh-hans")

    assert "争议解决" in chinese and ">Disputes<" not in chinese
    assert '<span lang="en">Contracts</span>' in chinese


def test_the_search_document_holds_the_chinese_names_and_texts(harbin_zh, corporate_zh):
    firm = FirmFactory(
        cities=[harbin_zh], practice_areas=[corporate_zh], tagline_zh_hans="数据合规", description_md_zh_hans="跨境"
    )

    # Built the same whatever language the request that saved the firm was in.
    with translation.override("zh-hans"):
        firm.refresh_from_db()
    for text in ("哈尔滨", "harbin", "公司法务", "corporate", "数据合规", "跨境"):
        assert f" {text}" in firm.search_text


# --- Admin and demo data -------------------------------------------------------------------------


@pytest.mark.parametrize("model", [City, PracticeArea])
def test_the_admin_change_form_has_a_name_in_english_and_in_chinese(client, harbin_zh, corporate_zh, model):
    client.force_login(SuperuserFactory())
    obj = harbin_zh if model is City else corporate_zh

    response = client.get(reverse(f"admin:directory_{model._meta.model_name}_change", args=[obj.pk]))

    content = response.content.decode()
    assert 'name="name_en"' in content and 'name="name_zh_hans"' in content
    assert f'value="{escape(obj.name_en)}"' in content
    assert f'value="{obj.name_zh_hans}"' in content


def test_seeding_the_demo_twice_keeps_the_chinese_names_and_restores_edited_ones():
    seed_places()
    City.objects.filter(slug="harbin").update(name_zh_hans="Edited")

    tally = seed_places()["tally"]

    assert City.objects.get(slug="harbin").name_zh_hans == "哈尔滨"
    assert tally["City", "updated"] == 1
    assert PracticeArea.objects.get(slug="family-law").name_zh_hans == "婚姻家事"
    assert PracticeArea.objects.get(slug="corporate-and-company-law").name_en == "Corporate & Company Law"


def test_chinese_pages_write_where_a_city_is_country_first_and_without_a_comma(client, harbin_zh):
    country = harbin_zh.country
    country.name_zh_hans = "中国"
    country.save()

    chinese = page(client, harbin_zh.get_absolute_url, "zh-hans")
    english = page(client, harbin_zh.get_absolute_url, "en")

    assert "中国黑龙江省" in chinese
    assert f"Heilongjiang, {country.name_en}" in english
