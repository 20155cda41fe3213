"""Near-duplicate text detection for wire copies (the same AP/Reuters/AFP story on many sites).

64-bit SimHash over word 3-shingles. Two texts whose fingerprints differ in at most
``MAX_HAMMING_DISTANCE`` bits are the same text with small edits (a dateline, a byline, a
trailing "Copyright" line). Pure: strings and integers in and out.

Fingerprints are stored as signed 64-bit integers so they fit PostgreSQL's BIGINT.
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


def hamming_distance(a: int, b: int) -> int:
    return (_to_unsigned(a) ^ _to_unsigned(b)).bit_count()


def is_near_copy(a: int, b: int) -> bool:
    """Whether two fingerprints belong to the same text with small edits."""
    return hamming_distance(a, b) <= MAX_HAMMING_DISTANCE


@dataclass(frozen=True)
class FingerprintedArticle:
    id: int
    fingerprint: int
    published_at: datetime | None
    created_at: datetime
    wire_origin_id: int | None


def _age_key(article: FingerprintedArticle) -> tuple[datetime, int]:
    return (article.published_at or article.created_at, article.id)


def find_wire_origin(
    *, fingerprint: int, candidates: Iterable[FingerprintedArticle]
) -> FingerprintedArticle | None:
    """The earliest article among ``candidates`` whose text is a near copy of ``fingerprint``.

    When a match is itself a copy, its own origin (if present among the candidates) wins, so
    every copy points at one article rather than forming chains.
    """
    pool = list(candidates)
    by_id = {a.id: a for a in pool}
    matches = [a for a in pool if is_near_copy(a.fingerprint, fingerprint)]
    origins = [by_id.get(a.wire_origin_id, a) if a.wire_origin_id else a for a in matches]
    return min(origins, key=_age_key) if origins else None
