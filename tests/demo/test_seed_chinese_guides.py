"""The demo's Chinese guides: complete, live, and using the glossary's names for the laws and
bodies their English versions name."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from guides.models import Guide

pytestmark = pytest.mark.django_db

GLOSSARY = Path(settings.BASE_DIR) / "locale" / "glossary.tsv"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())


def guide_text(guide):
    parts = [guide.meta_description, guide.summary, guide.reviewer_name, guide.reviewer_credentials]
    parts += [getattr(guide, f"{prefix}_md") for prefix, _heading in [*Guide.SECTIONS, ("disclaimer", None)]]
    parts += [text for item in guide.faq_items.all() for text in (item.question, item.answer_md)]
    parts += [text for source in guide.sources.all() for text in (source.title, source.issuing_body)]
    return "\n".join(parts)


def proper_name_terms():
    """The glossary's capitalised terms (names of laws and bodies): (English regex, Chinese)."""
    lines = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = [row for row in csv.reader(lines, delimiter="\t") if len(row) >= 2]
    return [(english, chinese) for english, chinese, *_why in rows if re.search(r"[A-Z]", english)]


def pairs():
    chinese = Guide.objects.filter(language="zh-hans").select_related("city", "practice_area")
    return [
        (Guide.objects.get(city=guide.city, practice_area=guide.practice_area, language="en"), guide)
        for guide in chinese
    ]


def test_the_demo_has_the_harbin_guide_and_two_more_in_chinese_each_with_its_english_version(seeded):
    found = {(english.city.slug, english.practice_area.slug) for english, _chinese in pairs()}

    assert ("harbin", "cyber-law-data-privacy-and-data-protection") in found
    assert len(found) >= 3
    for english, chinese in pairs():
        assert chinese.is_live and chinese.publish_problems() == []
        assert chinese.faq_items.count() >= 5 and chinese.sources.count() >= 2
        assert len(chinese.sections) == len(english.sections) == 5
        assert chinese.last_reviewed_on == english.last_reviewed_on  # the same law, checked the same day
        assert len(chinese.meta_description) <= 300
        text = guide_text(chinese)
        # Written in Chinese: Latin letters only in names such as App, GB/T, Lawzana.
        assert len(CJK.findall(text)) > 10 * len(re.findall(r"[A-Za-z]", text))
        for source in chinese.sources.all():
            assert CJK.search(source.title) and CJK.search(source.issuing_body)


def test_the_chinese_harbin_guide_answers_as_many_questions_as_the_english_one(seeded):
    (english, chinese), *_others = [pair for pair in pairs() if pair[0].city.slug == "harbin"]

    assert chinese.faq_items.count() == english.faq_items.count() >= 10
    assert chinese.sources.count() == english.sources.count()
    assert "（虚构的演示审核人）" in chinese.reviewer_name


def test_every_law_and_body_the_english_guide_names_has_its_glossary_name_in_the_chinese_one(seeded):
    terms = proper_name_terms()
    assert ("Personal Information Protection Law", "个人信息保护法") in terms

    missing = []
    for english, chinese in pairs():
        english_text, chinese_text = guide_text(english), guide_text(chinese)
        for term, rendering in terms:
            if re.search(rf"\b(?:{term})\b", english_text) and rendering not in chinese_text:
                missing.append((str(english), term, rendering))

    assert missing == []


def test_the_chinese_and_english_harbin_pages_each_show_their_guide(client, seeded):
    english = Guide.objects.get(city__slug="harbin", language="en")
    with translation.override("zh-hans"):
        chinese_url = english.get_absolute_url()
    with translation.override("en"):
        english_url = english.get_absolute_url()

    chinese_page = client.get(chinese_url).content.decode()
    english_page = client.get(english_url).content.decode()

    assert chinese_url.startswith("/zh-hans/")
    assert re.search(r'<html lang="zh-hans"', chinese_page, re.IGNORECASE)
    assert "《中华人民共和国个人信息保护法》" in chinese_page and "哈尔滨市公安局" in chinese_page
    assert "Harbin Municipal Public Security Bureau" not in chinese_page
    assert "Harbin Municipal Public Security Bureau" in english_page and "哈尔滨市公安局" not in english_page
