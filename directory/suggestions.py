"""Practice areas suggested for a problem told in plain words ("my employer has not paid my
salary"), and the city the words name, for the search page.

Every search reads all practice areas and cities, and they are few and rarely change. So their
words are kept in each process until the names change, as the pickers' options are
(directory/forms.py): a save of a city or practice area retires the PLACES tag
(directory/apps.py), and the next search reads them again, in two queries. A search in between
reads none of them: its words are matched in memory.

A query word matches a word of an area's name or synonyms the way the search fallback matches
a document (directory/search.py): folded (case and accents), a word of three letters or fewer
as a whole word, a longer one by its crude stem as the start of a word; and, the other way
round, "taxes" or "leaked" match "tax" or "leak". Chinese, written without spaces, is cut into
words by the search dictionary first (directory/search.py), the areas' names and synonyms in
search mode (劳动仲裁 also gives 劳动 and 仲裁), and its words match whole. Areas are ranked by
how many of the query's words they match (suggest()).
"""

import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from fractions import Fraction

from lawzana.page_cache import tag_stamp

from . import page_tags
from .models import City, PracticeArea
from .search import MAX_QUERY_LENGTH, STOPWORDS, han_words, is_han, stem, words
from .translation import every_language

MAX_SUGGESTIONS = 5
# Words of a query matched against the areas; what a problem is about is said in fewer.
MAX_TERMS = 24
# What a word may add to an area's word and still match it ("tax" in "taxes", "leak" in "leaked").
_ENDINGS = ("s", "es", "ed", "d", "ing")

# Words that tell nothing about which law a problem falls under: pronouns, auxiliaries,
# and what every legal question says ("lawyer", "help"), in English and in Chinese.
PROBLEM_STOPWORDS = (
    STOPWORDS
    | frozenset(
        words(
            """
    i me my mine myself we us our ours you your yours he him his she her hers they them their
    theirs its this that these those there here what which who whom whose when where why how
    am was were been being has have had having do does did doing done not no nor but if so
    than too very can cannot could should would shall may might must just also only about
    after before over under again all any some someone somebody something anyone anything
    every each other get gets got getting want wants wanted need needs needed help please
    lawyer lawyers law laws legal attorney attorneys solicitor solicitors advice advise
    advocate counsel firm firms case issue problem question find looking look search
    """
        )
    )
    | frozenset(
        # The same in Chinese, as jieba segments a question ("请问哈尔滨哪个律师能帮我").
        words(
            """
    我 我们 你 您 他 她 他们 它 的 了 吗 呢 吧 啊 被 把 在 和 与 及 或 有 没有 是 不 也 都 就 还 要 想 能 会
    可以 应该 怎么 怎么办 如何 为什么 什么 哪个 哪里 请问 请 谁 这 那 这个 那个 一个 需要 帮助 帮 找 问题
    咨询 律师 律所 律师事务所 法律 法律问题 案件 事情
    """
        )
    )
)


@dataclass
class Suggestions:
    """What a query suggests: practice areas, best first, and the city it names, if any.
    `covers` gives, for each suggested area, its pk and its areas' when it is a group."""

    areas: list[PracticeArea] = field(default_factory=list)
    city: City | None = None
    covers: dict[int, list[int]] = field(default_factory=dict)


class _Index:
    """The words of every practice area and city, for one time of the PLACES tag."""

    def __init__(self, generation, areas, cities):
        self.generation = generation
        groups = [area for area in areas if area.parent_id is None]
        # Display order, the suggestions' last tie-break: each group followed by its areas.
        self.areas = [area for group in groups for area in [group, *(a for a in areas if a.parent_id == group.pk)]]
        self.order = {area.pk: index for index, area in enumerate(self.areas)}
        self.by_pk = {area.pk: area for area in self.areas}
        self.covers = {group.pk: [group.pk] for group in groups}
        for area in self.areas:
            if area.parent_id is None:
                continue
            self.covers[area.parent_id].append(area.pk)
            self.covers[area.pk] = [area.pk]
        by_word: dict[str, set[int]] = {}
        for area in self.areas:
            # Every language's words: the index is shared by requests in all of them.
            for text in [*_every(area, "name"), *_every(area, "synonyms")]:
                for word in _meaningful(_segmented(text, search_mode=True)):
                    by_word.setdefault(word, set()).add(area.pk)
        self.by_word = {word: frozenset(pks) for word, pks in by_word.items()}
        self.sorted_words = sorted(self.by_word)
        self.cities: dict[str, list[tuple[tuple[str, ...], City]]] = {}
        for city in cities:
            for key in {*(tuple(_segmented(name)) for name in _every(city, "name")), tuple(city.slug.split("-"))}:
                if key:
                    self.cities.setdefault(key[0], []).append((key, city))

    def areas_matching(self, term: str) -> frozenset[int]:
        found = set(self.by_word.get(term, ()))
        if is_han(term):  # Chinese words have no endings: the segmenter already cut them
            return frozenset(found)
        if len(term) > 3:
            prefix = stem(term)
            # The sorted words starting with the stem are next to each other.
            for word in self.sorted_words[bisect_left(self.sorted_words, prefix) :]:
                if not word.startswith(prefix):
                    break
                found |= self.by_word[word]
        for ending in _ENDINGS:
            base = term[: -len(ending)]
            if term.endswith(ending) and len(base) >= 3:
                found |= self.by_word.get(base, frozenset())
        return frozenset(found)

    def city_in(self, query_words: list[str]) -> tuple[City | None, set[int]]:
        """The city the words name (the longest name when several do), and the positions of
        its words."""
        best, best_span = None, range(0)
        for start, word in enumerate(query_words):
            for key, city in self.cities.get(word, ()):
                if len(key) > len(best_span) and tuple(query_words[start : start + len(key)]) == key:
                    best, best_span = city, range(start, start + len(key))
        return best, set(best_span)


def _every(obj, field) -> list[str]:
    """The texts of a translated field in every language, each line of it apart."""
    return [line for column in every_language(field) for line in (getattr(obj, column) or "").splitlines()]


def _segmented(text: str, *, search_mode: bool = False) -> list[str]:
    """The words of a text, each run of Chinese characters cut into its words (Chinese has no
    spaces: "公司拖欠我工资" is one run of six words)."""
    return [
        piece
        for word in words(text)
        for piece in (han_words(word, search_mode=search_mode) if is_han(word) else [word])
    ]


def _meaningful(terms):
    return [term for term in terms if len(term) > 1 and term not in PROBLEM_STOPWORDS]


_index: list = [None]
_index_lock = threading.Lock()


def _current_index() -> _Index:
    generation = tag_stamp(page_tags.PLACES)
    index = _index[0]
    if index is None or index.generation != generation:
        areas = list(PracticeArea.objects.order_by("position", "name"))
        cities = list(City.objects.select_related("country").order_by("country__name", "name"))
        index = _Index(generation, areas, cities)
        with _index_lock:
            _index[0] = index
    return index


def suggest(query: str) -> Suggestions:
    """The practice areas that fit a problem told in `query`, best first (at most
    MAX_SUGGESTIONS), and the city it names.

    Areas are ranked by how many of the query's words they match. A word many areas share
    ("work", "contract") says less than a word only one has ("salary"): each word gives each
    area it matches 1/(how many areas it matches), and an area whose sum is under half the best
    one is left out, so that a common word does not bring half the list along. At equal count,
    the higher sum, then an area before a group (which is broader), then the display order."""
    index = _current_index()
    query_words = _segmented(query[:MAX_QUERY_LENGTH])
    city, city_positions = index.city_in(query_words)
    terms = list(
        dict.fromkeys(_meaningful(word for position, word in enumerate(query_words) if position not in city_positions))
    )[:MAX_TERMS]
    counts: dict[int, int] = {}
    weights: dict[int, Fraction] = {}
    for term in terms:
        matched = index.areas_matching(term)
        for pk in matched:
            counts[pk] = counts.get(pk, 0) + 1
            weights[pk] = weights.get(pk, Fraction(0)) + Fraction(1, len(matched))
    if not counts:
        return Suggestions(city=city)
    cut = max(weights.values()) / 2
    ranked = sorted(
        (pk for pk in counts if weights[pk] >= cut),
        key=lambda pk: (-counts[pk], -weights[pk], index.by_pk[pk].parent_id is None, index.order[pk]),
    )[:MAX_SUGGESTIONS]
    return Suggestions(
        areas=[index.by_pk[pk] for pk in ranked], city=city, covers={pk: index.covers[pk] for pk in ranked}
    )
