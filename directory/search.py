"""Text normalisation shared by the search document and the search query."""

import re
import unicodedata

MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+", re.UNICODE)
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


def document(parts) -> str:
    """A search document: folded words separated by single spaces, with a space at each end,
    so that " word" matches the start of a word and " word " a whole word."""
    return " " + " ".join(word for part in parts if part for word in words(part)) + " "


def query_terms(query: str) -> list[str]:
    """The words of a search query, folded; punctuation, operators, SQL or regex syntax and
    stop words dropped."""
    return [term for term in words(query[:MAX_QUERY_LENGTH]) if term not in STOPWORDS][:12]


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
