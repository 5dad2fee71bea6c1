"""Searching in Chinese on PostgreSQL full-text search: the tests of the SQLite fallback
(tests/directory/test_search_chinese.py), run against the search vector and its tsquery."""

import pytest

from tests.directory.test_search_chinese import (  # noqa: F401 (fixtures and tests run here again)
    chinese_firms,
    test_a_chinese_search_does_not_find_firms_without_every_word,
    test_a_word_split_differently_in_the_text_is_still_found,
    test_an_english_search_still_finds_the_firm_with_chinese_texts,
    test_it_finds_a_lawyer_by_a_chinese_name,
    test_it_finds_firms_by_chinese_words_in_their_texts,
)
from tests.factories import FirmFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("services")]

SEARCH = "/search/"


def test_a_firm_named_in_chinese_ranks_above_one_that_only_mentions_it(client, services, harbin, firm_card_names):
    FirmFactory(
        name="Northern Counsel",
        description_md="我们也处理海事案件。",
        cities=[harbin],
        ratings=[5] * 20,
        complete=True,
    )
    FirmFactory(name="海事律师", cities=[harbin])

    assert firm_card_names(client.get(SEARCH, {"q": "海事"})) == ["海事律师", "Northern Counsel"]
