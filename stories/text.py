"""Plain-text helpers shared by clustering, headlines and summaries.

Pure functions over strings: word tokens, a light English stemmer, stop words, outlet-suffix
stripping and a capitalisation-based guess at named entities (headlines have no markup, so
"a capitalised word that is not capitalised merely because the headline is in Title Case" is
the entity signal available).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STOP_WORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves
    says said say new news update updated updates live video videos watch photos photo report
    reports via amid after could may might us vs v s t one two three first last year years week
    weeks day days today yesterday tomorrow get gets got make makes made take takes just still
    also back here now how what why more less many much some every best top big
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

# Outlet suffixes: " - BBC News", " | Reuters", " — The Guardian", " : NPR" at the very end.
# (Dashes are normalised to "-" before this is used.)
_SUFFIX_SEPARATORS = (" - ", " | ", " :: ")
MAX_SUFFIX_WORDS = 6

_WORD_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:'[^\W\d_]+)*", re.UNICODE)
# Typographic quotes and dashes, by code point, to their ASCII forms.
_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def normalise(text: str) -> str:
    """NFKC, typographic quotes and dashes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())


def strip_outlet_suffix(title: str, outlet_names: tuple[str, ...] = ()) -> str:
    """Drop a trailing " - Outlet" / " | Outlet" part (and a trailing "..." ellipsis).

    A suffix is dropped when it names one of ``outlet_names`` or is short and capitalised like
    a name (at most ``MAX_SUFFIX_WORDS`` words, each starting upper-case or a digit).
    """
    title = normalise(title)
    title = re.sub(r"\s*(\.\.\.|…)\s*$", "", title)
    lowered_names = {name.lower() for name in outlet_names if name}
    for _ in range(2):  # "Title - Section | Outlet"
        for separator in _SUFFIX_SEPARATORS:
            head, found, tail = title.rpartition(separator)
            if not found or not head.strip():
                continue
            words = tail.split()
            looks_like_name = 0 < len(words) <= MAX_SUFFIX_WORDS and all(
                word[0].isupper() or word[0].isdigit() for word in words
            )
            if tail.strip().lower() in lowered_names or (
                looks_like_name and len(head.split()) >= 3
            ):
                title = head.rstrip()
                break
        else:
            break
    return title


def stem(word: str) -> str:
    """A deliberately light stemmer: possessives, plurals, a few verb endings."""
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("'"):
        word = word[:-1]
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("es") and word[-3:-2] in ("x", "h", "s", "z"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        return word[:-2]
    if word.endswith("e") and len(word) > 3:
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Word tokens as written (case kept)."""
    return _WORD_RE.findall(normalise(text))


def is_title_case(tokens: list[str]) -> bool:
    """True when most alphabetic words are capitalised, so capitals say nothing."""
    alpha = [t for t in tokens if t[0].isalpha() and t.lower() not in STOP_WORDS]
    if len(alpha) < 3:
        return True
    capitalised = sum(1 for t in alpha if t[0].isupper())
    return capitalised / len(alpha) > 0.6


def fold_accents(word: str) -> str:
    """ "José" -> "jose": outlets differ in whether they keep diacritics."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def content_terms(text: str) -> tuple[list[str], set[str]]:
    """(stemmed content terms in order, the subset that look like named entities).

    Entities are capitalised words outside sentence-initial position in text that is not Title
    Case, plus all-caps acronyms (two letters or more) and words with inner capitals; in Title
    Case headlines only acronyms count.
    """
    terms, entities = _content_terms(text)
    return list(terms), set(entities)


# Refreshing a story reads the terms of every sentence and title of its articles again each
# time; the texts do not change, so the work is kept (fresh copies are handed out).
@lru_cache(maxsize=32768)
def _content_terms(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    tokens = words(text)
    title_case = is_title_case(tokens)
    terms: list[str] = []
    entities: set[str] = set()
    for index, token in enumerate(tokens):
        lowered = fold_accents(token.lower())
        if lowered in STOP_WORDS or (len(lowered) < 2 and not lowered.isdigit()):
            continue
        term = stem(lowered)
        if not term or term in STOP_WORDS:
            continue
        terms.append(term)
        if not token[0].isalpha():
            continue
        acronym = len(token) >= 2 and token.isupper()
        proper = token[0].isupper() and index > 0 and not title_case
        inner = any(ch.isupper() for ch in token[1:]) and not token.isupper()
        if acronym or proper or inner:
            entities.add(term)
    return tuple(terms), frozenset(entities)
