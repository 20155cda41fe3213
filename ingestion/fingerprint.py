"""Near-duplicate text detection for wire copies (the same AP/Reuters/AFP story on many sites).

Two fingerprints, both stored as signed 64-bit integers so they fit PostgreSQL's BIGINT:

* ``simhash``: 64-bit SimHash over word 3-shingles of a text of at least ``MIN_WORDS`` words
  (the page's body, or the feed's text when the page could not be read). Two texts whose
  fingerprints differ in at most ``MAX_HAMMING_DISTANCE`` bits are the same text with small
  edits (a dateline, a byline, a trailing "Copyright" line).
* ``lead_fingerprint``: for texts too short for SimHash to be reliable (most feed
  descriptions are one or two sentences), a hash of the exact first sentence after an agency
  dateline ("BEIRUT, Feb 17 (Reuters) - …", "WASHINGTON (AP) — …"), normalised to its words.
  Both conditions are needed: the dateline says the text is agency copy, and an identical
  first sentence of at least ``LEAD_MIN_WORDS`` words says it is the same copy. An outlet's
  own one-line summary carries no dateline, so two outlets' summaries of one event are never
  linked however alike they read.

Pure: strings and integers in and out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

SHINGLE_WORDS = 3
# Below this many words a text is a teaser; teasers match each other too easily.
MIN_WORDS = 60
# Copies agree from the start; the first words are enough and bound the cost of huge pages.
MAX_WORDS = 1000
# Unrelated texts sit near 32 bits apart (same-event articles in the demo corpus: 24 and up);
# a copy with an added credit line on a 250-word story moves about 6 bits.
MAX_HAMMING_DISTANCE = 8
# Wire copies appear within days of each other; older articles are not compared.
WIRE_WINDOW_HOURS = 96
# A first sentence shorter than this ("Here is what we know.") is too common to prove a copy;
# agency leads are long: the five Reuters leads in the shared feeds have 23 to 50 words.
LEAD_MIN_WORDS = 12
# The first sentence is cut here: copies agree from the start, and a run-on first paragraph
# without a full stop should not make the key depend on edits far down the text.
LEAD_MAX_WORDS = 60
# An agency dateline is near the top (after a byline and a place name at most).
DATELINE_SEARCH_CHARS = 300

# Wire agencies whose copy outlets reprint. Matched only in their dateline form
# "(Reuters) -" / "(AP) —", or as a sign-off at the very end ("… — AFP"), never as a bare
# word: "told AFP" and photo credits ("(Photo by … / AFP)") are not copy.
AGENCIES = (
    "Reuters",
    "AP",
    "Associated Press",
    "AFP",
    "Agence France-Presse",
    "dpa",
    "PTI",
    "IANS",
    "ANI",
    "UPI",
    "Kyodo",
    "Xinhua",
    "EFE",
    "ANSA",
)
_AGENCY = "|".join(re.escape(name) for name in AGENCIES)
# Dashes: hyphen, en dash, em dash.
_DASH = r"[-\u2013\u2014]{1,2}"
_DATELINE = re.compile(rf"\((?:{_AGENCY})\)\s*{_DASH}\s*")
_SIGN_OFF = re.compile(rf"(?:^|\s){_DASH}\s*(?:{_AGENCY})\.?\s*$")
# Words before a full stop that do not end a sentence: initials ("U.S.", "U.N."), titles and
# month abbreviations that agency copy uses.
_ABBREVIATION = re.compile(
    r"(?:[A-Z]\.)*[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Jr|Sr|Inc|Corp|Co|No|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec"
)
# A sentence ends at . ! or ? (then any closing quotes or bracket) and either a space before a
# capital or a digit, or no space at all before a capitalised word: feed text often loses the
# space between paragraphs ("…the region.In December…"). Quotes are straight or curly.
_SENTENCE_END = re.compile(
    r"(\S*?)[.!?][\"'\u2019\u201d)]*"
    r"(?:\s+(?=[\"'\u2018\u201c(]?[A-Z0-9])|(?=[\"\u201c]?[A-Z][a-z]))"
)

_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = (1 << 64) - 1


def _to_signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _to_unsigned(value: int) -> int:
    return value & _MASK


def simhash(text: str) -> int | None:
    """Signed 64-bit SimHash of ``text``, or None when it is too short to say anything."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    if len(words) < MIN_WORDS:
        return None
    # The shortest slice ends the zip: every window is a full shingle.
    windows = zip(*(words[start:] for start in range(SHINGLE_WORDS)), strict=False)
    digests = b"".join(
        [hashlib.blake2b(" ".join(w).encode(), digest_size=8).digest() for w in windows]
    )
    shingles = len(digests) // 8
    # All digests as one string of bits, 64 per shingle; bit column j is every 64th character
    # from j. Slicing and counting run in C, instead of 64 Python operations per shingle.
    bits = format(int.from_bytes(digests, "big"), f"0{64 * shingles}b")
    majority = "".join("1" if 2 * bits[j::64].count("1") > shingles else "0" for j in range(64))
    return _to_signed(int(majority, 2))


def _signed_hash(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return _to_signed(int.from_bytes(digest, "big"))


def agency_lead(text: str) -> str:
    """The text from the start of the agency copy: after its dateline ("… (Reuters) - "), or
    the whole text when it ends with an agency sign-off; "" when it shows no agency marker."""
    text = " ".join(text.split())
    dateline = _DATELINE.search(text[:DATELINE_SEARCH_CHARS])
    if dateline is not None:
        return text[dateline.end() :]
    if _SIGN_OFF.search(text):
        return text
    return ""


def first_sentence(text: str) -> str:
    """``text`` up to its first full stop, question or exclamation mark that ends a sentence
    (not one after an initial or an abbreviation such as "U.S." or "Feb.")."""
    for end in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.fullmatch(end.group(1).rsplit(" ", 1)[-1].lstrip('("“')):
            return text[: end.end()].strip()
    return text.strip()


def lead_fingerprint(text: str) -> int | None:
    """Signed 64-bit hash of the normalised first sentence of agency copy, or None when the
    text carries no agency marker or its first sentence is too short to tell copies apart."""
    lead = agency_lead(text)
    if not lead:
        return None
    words = _WORD.findall(first_sentence(lead).lower())[:LEAD_MAX_WORDS]
    if len(words) < LEAD_MIN_WORDS:
        return None
    return _signed_hash(" ".join(words))


def hamming_distance(a: int, b: int) -> int:
    return (_to_unsigned(a) ^ _to_unsigned(b)).bit_count()


def is_near_copy(a: int, b: int) -> bool:
    """Whether two fingerprints belong to the same text with small edits."""
    return hamming_distance(a, b) <= MAX_HAMMING_DISTANCE


@dataclass(frozen=True)
class FingerprintedArticle:
    id: int
    fingerprint: int | None
    published_at: datetime | None
    created_at: datetime
    wire_origin_id: int | None
    lead_fingerprint: int | None = None

    def matches(self, *, fingerprint: int | None, lead: int | None) -> bool:
        """Same text by SimHash, or the same agency lead sentence."""
        if (
            fingerprint is not None
            and self.fingerprint is not None
            and is_near_copy(self.fingerprint, fingerprint)
        ):
            return True
        return lead is not None and self.lead_fingerprint == lead


def _age_key(article: FingerprintedArticle) -> tuple[datetime, int]:
    return (article.published_at or article.created_at, article.id)


def find_wire_origin(
    *,
    fingerprint: int | None,
    candidates: Iterable[FingerprintedArticle],
    lead: int | None = None,
) -> FingerprintedArticle | None:
    """The earliest article among ``candidates`` whose text is a near copy of ``fingerprint``
    or starts with the same agency lead (``lead``).

    When a match is itself a copy, its own origin (if present among the candidates) wins, so
    every copy points at one article rather than forming chains.
    """
    pool = list(candidates)
    by_id = {a.id: a for a in pool}
    matches = [a for a in pool if a.matches(fingerprint=fingerprint, lead=lead)]
    origins = [by_id.get(a.wire_origin_id, a) if a.wire_origin_id else a for a in matches]
    return min(origins, key=_age_key) if origins else None
