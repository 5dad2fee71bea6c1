"""Normalising and hashing the names on firms' conflict lists (directory/conflicts.py): one
spelling for the forms a name is written in, so the same party gives the same fingerprint."""

import hashlib
import hmac

import pytest

from directory.conflicts import digest, normalise

HARBIN_ICE = "harbinicetech"
HARBIN_ICE_ZH = "哈尔滨冰科技"


@pytest.mark.parametrize(
    "name",
    [
        "Harbin Ice Tech Co., Ltd.",
        "HARBIN ICE TECH",
        "Ｈａｒｂｉｎ Ｉｃｅ Ｔｅｃｈ",  # full-width forms
        "harbin ice tech",
        "Harbin  Ice\tTech",
        "Harbin-Ice-Tech",
        "Harbin Ice Tech Co.,Ltd.",
        "Harbin Ice Tech Co. Ltd",
        "Harbin Ice Tech Co.Ltd.",
        "Harbin Ice Tech Limited",
        "Harbin Ice Tech Ltd",
        "Harbin Ice Tech, Inc.",
        "Harbin Ice Tech Inc",
        "Harbin Ice Tech L.L.C.",
        "Harbin Ice Tech LLC",
        "Harbin Ice Tech Corp.",
        "Harbin Ice Tech Corporation",
        "Harbin Ice Tech Company",
        "Harbin Ice Tech GmbH",
        "Harbin Ice Tech Company Limited",
        "Harbin Ice Tech (Group) Co., Ltd.",
        "Ｈａｒｂｉｎ　Ｉｃｅ　Ｔｅｃｈ　Ｃｏ．，Ｌｔｄ．",  # full-width spaces and punctuation
        "Harbin\u200bIce Tech",  # a zero-width space pasted in
        " Harbin Ice Tech. ",
    ],
)
def test_latin_spellings_of_one_company_normalise_alike(name):
    assert normalise(name) == HARBIN_ICE


@pytest.mark.parametrize(
    "name",
    [
        "哈尔滨冰科技有限公司",
        "哈尔滨冰科技",
        "哈尔滨冰科技有限责任公司",
        "哈尔滨冰科技股份有限公司",
        "哈尔滨冰科技集团有限公司",
        "哈尔滨冰科技集团",
        "哈尔滨冰科技公司",
        "哈尔滨 冰科技 有限公司",
        "「哈尔滨冰科技」有限公司",
        "哈尔滨冰科技（集团）有限公司",
    ],
)
def test_chinese_spellings_of_one_company_normalise_alike(name):
    assert normalise(name) == HARBIN_ICE_ZH


def test_case_folding_goes_beyond_lower_case():
    assert normalise("Straße GmbH") == normalise("STRASSE")


def test_people_are_compared_without_spaces_and_case():
    assert normalise("Zhang San") == normalise("ZHANG  SAN") == "zhangsan"
    assert normalise("张三") == normalise("张 三") == "张三"


def test_chinese_and_latin_spellings_stay_separate_entries():
    # No transliteration: a firm enters both spellings.
    assert normalise("哈尔滨冰科技有限公司") != normalise("Harbin Ice Tech Co., Ltd.")


def test_company_forms_are_whole_words_at_the_end_only():
    assert normalise("Zinc Mining") == "zincmining"  # "inc" inside a word stays
    assert normalise("Costco") == "costco"
    assert normalise("Limited Edition Toys") == "limitededitiontoys"  # only at the end
    assert normalise("Co-Op Bakery Ltd") == "coopbakery"


def test_a_name_that_is_only_a_company_form_identifies_nobody():
    for name in ["", "   ", "Co., Ltd.", "有限公司", "Company", "LLC", "…", "公司"]:
        assert normalise(name) == "", name
        assert digest(name) == "", name


def test_different_parties_stay_different():
    assert normalise("Harbin Ice Tech") != normalise("Harbin Ice Technology")
    assert normalise("Songhua Partners") != normalise("Songhua Partner")


def test_the_digest_is_an_hmac_of_the_normalised_name_under_the_configured_key(settings):
    settings.CONFLICT_CHECK_KEY = "k" * 40
    expected = hmac.new(b"k" * 40, b"harbinicetech", hashlib.sha256).hexdigest()

    assert digest("Harbin Ice Tech Co., Ltd.") == digest("ＨＡＲＢＩＮ ＩＣＥ ＴＥＣＨ") == expected
    # Not a plain hash: without the key, nobody can test guessed names against the list.
    assert expected != hashlib.sha256(b"harbinicetech").hexdigest()


def test_another_key_gives_other_digests(settings):
    settings.CONFLICT_CHECK_KEY = "a" * 40
    first = digest("Harbin Ice Tech")
    settings.CONFLICT_CHECK_KEY = "b" * 40

    assert digest("Harbin Ice Tech") != first
    assert len(first) == 64
