"""Text normalisation shared by the search document and the search query.

Chinese is written without spaces, so a run of Chinese characters ("哈尔滨松花江律师事务所") is
one word to PostgreSQL's parser and to a word pattern. The document therefore adds, after each
run, every pair of adjacent characters (in order, so that consecutive pairs spell any part of
the run) and the words jieba segments it into; the query asks for each word jieba finds in it,
as that word, as its sequence of pairs, or as all of its smaller words ("网络安全": 网络 and
安全, apart). Documents and queries are segmented with the same small dictionary
(data/zh_dict.txt), loaded once per process on first use.
"""

import functools
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# CJK unified ideographs with extension A, compatibility ideographs, and extensions B onwards.
_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{_HAN_CHARS}]+")
# A run of Chinese characters, or of other word characters: "哈尔滨data" is two words.
_WORD = re.compile(f"[{_HAN_CHARS}]+|[^\\W{_HAN_CHARS}]+")
# Characters that, alone in a query, say nothing about what is searched for.
HAN_STOPWORDS = frozenset("的地得了和与及或在是等之")
# The last character of a place's name that says what kind of place it is, which a text may
# leave out: 哈尔滨市 is found in a text that says 哈尔滨.
PLACE_SUFFIXES = frozenset("市省区县镇乡街路")
DICTIONARY = Path(__file__).resolve().parent / "data" / "zh_dict.txt"
# Letters that carry no combining accent in Unicode, so NFKD leaves them alone.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"}
)
# Words too common to search for (PostgreSQL's English configuration ignores them as well).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Müller" matches "muller" and "Søn" matches "son"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_PLAIN_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def is_han(word: str) -> bool:
    return _HAN.fullmatch(word) is not None


def document(parts) -> str:
    """A search document: folded words separated by single spaces, with a space at each end,
    so that " word" matches the start of a word and " word " a whole word. A run of Chinese
    characters is followed by its character pairs and its words (han_tokens)."""
    tokens = []
    for part in parts:
        tokens += _part_tokens(part or "")
    return " " + " ".join(tokens) + " "


@functools.lru_cache(maxsize=4096)
def _part_tokens(part: str) -> tuple[str, ...]:
    # Most parts of the documents of many firms are the same few names (practice areas,
    # cities, languages): folded and segmented once per process, not once per firm.
    tokens = []
    for word in words(part):
        tokens.append(word)
        if is_han(word):
            tokens += han_tokens(word)
    return tuple(tokens)


def han_tokens(run: str) -> list[str]:
    """What a run of Chinese characters adds to a document: each pair of adjacent characters
    in order, then the last character (so that pairs and their prefixes hold every character),
    then jieba's search-mode words of two characters or more (a word and its smaller words:
    网络安全法 gives 网络, 安全, 网络安全法)."""
    if len(run) < 2:
        return []
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    jieba_words = [w for w in _segmenter().cut_for_search(run, HMM=False) if len(w) > 1 and w != run]
    return [*pairs, run[-1], *dict.fromkeys(jieba_words)]


def han_words(run: str, *, search_mode: bool = False) -> list[str]:
    """The words of a run of Chinese characters, as the search dictionary segments it: one per
    word, or (search_mode) each word and the smaller words it holds (劳动仲裁 gives 劳动, 仲裁,
    劳动仲裁). Single characters stay, for the caller to keep or drop."""
    segmenter = _segmenter()
    pieces = segmenter.cut_for_search(run, HMM=False) if search_mode else segmenter.cut(run, HMM=False)
    return list(dict.fromkeys(piece for piece in pieces if piece.strip()))


def query_terms(query: str) -> list[str]:
    """The words of a search query that are not Chinese, folded; punctuation, operators, SQL
    or regex syntax and stop words dropped."""
    terms = [term for term in words(query[:MAX_QUERY_LENGTH]) if not is_han(term) and term not in STOPWORDS]
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class HanTerm:
    """A Chinese word of a query, found if a document has it as a word or a substring, or has
    all of its `parts` (smaller dictionary words that cover it) anywhere."""

    text: str
    parts: tuple[str, ...] = ()

    def pairs(self) -> list[str]:
        return [self.text[i : i + 2] for i in range(len(self.text) - 1)]


def han_terms(query: str) -> list[HanTerm]:
    """The Chinese words of a search query, as jieba segments them with the search dictionary.
    Characters it leaves alone next to each other (a name it does not know: 瀚森) stay one
    term, found as a substring; a lone stop character (的, 和) is dropped."""
    terms = []
    for run in (word for word in words(query[:MAX_QUERY_LENGTH]) if is_han(word)):
        segmenter = _segmenter()
        singles = ""
        for piece in [*segmenter.cut(run, HMM=False), ""]:
            if len(piece) == 1:
                singles += piece
                continue
            if singles and singles not in HAN_STOPWORDS:
                terms.append(HanTerm(singles))
            singles = ""
            if piece:
                terms.append(HanTerm(piece, _parts(piece, segmenter.FREQ)))
    return terms[:MAX_TERMS]


def _parts(word: str, frequencies: dict) -> tuple[str, ...]:
    """The dictionary words of two or three characters inside `word`, when together they cover
    every character of it, or all but the last of a place's name (哈尔滨市: 哈尔滨); the longest
    ones only (事务所, not also 事务)."""
    if len(word) < 3:
        return ()
    grams = [
        (start, start + size)
        for size in (2, 3)
        if size < len(word)
        for start in range(len(word) - size + 1)
        if frequencies.get(word[start : start + size])
    ]
    covered = {index for start, end in grams for index in range(start, end)}
    if covered != set(range(len(word))) and not (word[-1] in PLACE_SUFFIXES and covered == set(range(len(word) - 1))):
        return ()
    longest = [
        (start, end)
        for start, end in grams
        if not any((s, e) != (start, end) and s <= start and end <= e for s, e in grams)
    ]
    return tuple(word[start:end] for start, end in sorted(longest))


def han_tsquery(terms: list[HanTerm]) -> str:
    """A PostgreSQL tsquery (to_tsquery syntax, 'simple' configuration) that every term must
    match. Terms are Chinese characters only, so they carry no tsquery operators."""

    def substring(text):
        if len(text) == 1:
            return f"{text}:*"
        pairs = HanTerm(text).pairs()
        return text if len(pairs) == 1 else f"({text} | {' <-> '.join(pairs)})"

    clauses = []
    for term in terms:
        clause = substring(term.text)
        if term.parts:
            clause = f"({clause} | ({' & '.join(substring(part) for part in term.parts)}))"
        clauses.append(clause)
    return " & ".join(clauses)


_segmenter_instance = None
_segmenter_lock = threading.Lock()


def _segmenter():
    global _segmenter_instance
    if _segmenter_instance is None:
        with _segmenter_lock:
            if _segmenter_instance is None:
                _segmenter_instance = _load_segmenter()
    return _segmenter_instance


def _load_segmenter():
    # jieba imports pkg_resources, if it can, only to open its own files: 14 MB more in every
    # process, and a DeprecationWarning. Without it jieba opens them by path.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    segmenter = jieba.Tokenizer(dictionary=str(DICTIONARY))
    # Built here rather than by Tokenizer.initialize(), which logs to stderr and writes a
    # cache file to the temporary directory: the small dictionary loads in about 50 ms.
    with DICTIONARY.open("rb") as source:
        segmenter.FREQ, segmenter.total = segmenter.gen_pfdict(source)
    segmenter.initialized = True
    return segmenter


def term_pattern(term: str) -> str:
    """What the fallback (non-PostgreSQL) search looks for in a document: a short term as a
    whole word, a longer one as the start of a word, after a crude stem."""
    if len(term) <= 3:
        return f" {term} "
    return f" {stem(term)}"


def stem(term: str) -> str:
    """A crude English stem for the SQLite fallback ("lawyers" → "lawyer", "filing" → "fil")."""
    for suffix in ("ies", "ing", "es", "ed", "s"):
        if len(term) > len(suffix) + 3 and term.endswith(suffix):
            return term[: -len(suffix)]
    return term
