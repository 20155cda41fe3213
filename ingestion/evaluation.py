"""Token-level precision, recall and F1 of extracted text against an expected body. Pure.

Tokens are lower-cased words (``\\w+``); counts are compared as multisets, the usual measure of
the article-extraction benchmark.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class TokenScores:
    precision: float
    recall: float
    f1: float


def token_scores(predicted: str, expected: str) -> TokenScores:
    got = Counter(_TOKEN.findall(predicted.lower()))
    want = Counter(_TOKEN.findall(expected.lower()))
    if not got and not want:
        return TokenScores(1.0, 1.0, 1.0)
    if not got or not want:
        return TokenScores(0.0, 0.0, 0.0)
    common = sum((got & want).values())
    precision = common / sum(got.values())
    recall = common / sum(want.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return TokenScores(precision, recall, f1)


def mean_scores(scores: list[TokenScores]) -> TokenScores:
    if not scores:
        return TokenScores(0.0, 0.0, 0.0)
    n = len(scores)
    return TokenScores(
        sum(s.precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.f1 for s in scores) / n,
    )
