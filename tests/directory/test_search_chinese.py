"""Searching in Chinese, /search/?q=哈尔滨 (here on the SQLite fallback; the same tests run on
PostgreSQL in tests/integration/test_search_postgres_chinese.py)."""

import pytest

from tests.factories import FirmFactory, LawyerFactory, OfficeFactory, refresh

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def chinese_firms(harbin, shanghai, cyber_law):
    """Chinese in each text a firm is found by: tagline, description, office address, lawyer."""
    songhua = FirmFactory(
        name="Songhua River Law",
        tagline="哈尔滨涉外律师团队",
        description_md="Cross-border data advice. 我们熟悉网络安全法和个人信息保护法。",
        practice_areas=[cyber_law],
    )
    OfficeFactory(firm=songhua, city=harbin, address="南岗区松花江街88号")
    LawyerFactory(firm=songhua, name="张伟", slug="zhang-wei")
    bund = FirmFactory(name="Bund Partners", description_md="Shipping. 上海外滩的海事律师。", cities=[shanghai])
    FirmFactory(name="Hansen Counsel", tagline="瀚森律师事务所", cities=[shanghai])
    FirmFactory(name="Pudong Trade", description_md="Trade and customs. 浦东国际贸易与海关。", cities=[shanghai])
    FirmFactory(name="Hidden Harbin Law", tagline="哈尔滨律师", cities=[harbin], is_listed=False)
    return {"songhua": refresh(songhua), "bund": bund}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("律师", ["Bund Partners", "Hansen Counsel", "Songhua River Law"]),  # taglines, description
        ("哈尔滨", ["Songhua River Law"]),  # its tagline
        ("松花江", ["Songhua River Law"]),  # its office's address
        ("网络安全", ["Songhua River Law"]),  # inside 网络安全法 in its description
        ("张伟", ["Songhua River Law"]),  # its lawyer
        ("哈尔滨 data", ["Songhua River Law"]),  # Chinese and English together
        ("哈尔滨律师", ["Songhua River Law"]),  # two words in one run, apart in the text
        ("信息安全", ["Songhua River Law"]),  # not a word of its texts, but 信息 and 安全 are
        ("海事律师", ["Bund Partners"]),
        ("瀚森", ["Hansen Counsel"]),  # a name the dictionary does not know
        ("国际贸易", ["Pudong Trade"]),
        ("哈尔滨市", ["Songhua River Law"]),  # the city's full name finds the short one
    ],
)
def test_it_finds_firms_by_chinese_words_in_their_texts(client, chinese_firms, firm_card_names, query, expected):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert sorted(firm_card_names(response)) == expected


@pytest.mark.parametrize("query", ["北京", "松花江 shipping", "北京律师", "网络安全 trade", "知识产权", "瀚森律所"])
def test_a_chinese_search_does_not_find_firms_without_every_word(client, chinese_firms, firm_card_names, query):
    assert firm_card_names(client.get(SEARCH, {"q": query})) == []


def test_a_word_split_differently_in_the_text_is_still_found(client, shanghai, firm_card_names):
    # The text's segmentation puts 生命 across two words (研究生 + 命…) in some contexts;
    # the character pairs of the document find it whatever the segmentation.
    FirmFactory(name="Bio Law", description_md="研究生命科学的法律问题", cities=[shanghai])

    for query in ["生命", "命科", "生命科学"]:
        assert firm_card_names(client.get(SEARCH, {"q": query})) == ["Bio Law"], query


def test_it_finds_a_lawyer_by_a_chinese_name(client, chinese_firms):
    content = client.get(SEARCH, {"q": "张伟"}).content.decode()

    assert "<strong>张伟</strong>, Associate" in content
    assert f'<a href="/firms/{chinese_firms["songhua"].slug}/">Songhua River Law</a>' in content
    assert "<strong>张伟</strong>" not in client.get(SEARCH, {"q": "李"}).content.decode()


def test_an_english_search_still_finds_the_firm_with_chinese_texts(client, chinese_firms, firm_card_names):
    assert firm_card_names(client.get(SEARCH, {"q": "cross-border"})) == ["Songhua River Law"]
    assert sorted(firm_card_names(client.get(SEARCH, {"q": "shipping"}))) == ["Bund Partners"]
