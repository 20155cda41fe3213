"""Scoring story clustering against gold events. Pure: plain mappings in, frozen results out.

A clustering is a mapping ``item -> label`` (an article to its story id, or to its gold event);
two items are together exactly when their labels are equal. The measures are the ones
``../shared/data/stories/README.md`` defines:

* **B-cubed over non-trivial items**: for each item, precision is the share of its predicted
  cluster that shares its gold event and recall the share of its gold event that shares its
  predicted cluster; both are averaged only over the items that are in a gold event of two or
  more items **or** in a predicted cluster of two or more. Most real articles have no
  counterpart, and counting them (any method leaves them alone) would hide every mistake.
* **Pairwise**: precision is the share of the pairs put in one cluster that share a gold event
  (what a reader sees as unrelated articles on one page); recall the share of the gold pairs
  put in one cluster.

An empty average is perfect (1.0): with no pair predicted nothing unrelated is shown, so
"every article alone" has pairwise precision 1.0 and recall 0.0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class PairScores(Scores):
    """Pairwise scores with the counts they come from."""

    predicted_pairs: int
    gold_pairs: int
    correct_pairs: int


@dataclass(frozen=True)
class MixedCluster:
    """A predicted cluster holding items of more than one gold event."""

    label: Hashable
    members: tuple[Hashable, ...]
    wrong_pairs: int


@dataclass(frozen=True)
class SplitEvent:
    """A gold event whose items are spread over more than one predicted cluster."""

    event: Hashable
    members: tuple[Hashable, ...]
    cluster_count: int
    missed_pairs: int


def harmonic_mean(precision: float, recall: float) -> float:
    """F1 = 2PR / (P + R), 0.0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _check_same_items(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> None:
    if predicted.keys() != gold.keys():
        missing = len(gold.keys() - predicted.keys())
        extra = len(predicted.keys() - gold.keys())
        raise ValueError(
            f"predicted and gold must label the same items ({missing} missing, {extra} extra)"
        )


def _groups(labels: Mapping[Item, Hashable]) -> dict[Hashable, list[Item]]:
    groups: dict[Hashable, list[Item]] = defaultdict(list)
    for item, label in labels.items():
        groups[label].append(item)
    return groups


def every_item_alone(items: Iterable[Item]) -> dict[Item, Item]:
    """The baseline clustering that puts each item in a cluster of its own."""
    return {item: item for item in items}


def cut_at_gaps(
    labels: Mapping[Item, Hashable], times: Mapping[Item, datetime], window: timedelta
) -> dict[Item, tuple[Hashable, int]]:
    """``labels`` with each event cut where two of its articles, in time order, lie more than
    ``window`` apart: what a clustering that knew the events would give if, like ours, a story
    lasts only while its articles keep coming within the window of one another. Scored against
    the gold, it is the most such a clustering can reach."""
    cut: dict[Item, tuple[Hashable, int]] = {}
    for label, items in _groups(labels).items():
        part, previous = 0, None
        for item in sorted(items, key=lambda item: times[item]):
            if previous is not None and times[item] - previous > window:
                part += 1
            cut[item] = (label, part)
            previous = times[item]
    return cut


def bcubed_non_trivial(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> Scores:
    """B-cubed precision, recall and F1 averaged over the non-trivial items (see module)."""
    _check_same_items(predicted, gold)
    predicted_sizes = Counter(predicted.values())
    gold_sizes = Counter(gold.values())
    together = Counter((predicted[item], gold[item]) for item in gold)
    precision = recall = 0.0
    count = 0
    for item, event in gold.items():
        cluster = predicted[item]
        if predicted_sizes[cluster] < 2 and gold_sizes[event] < 2:
            continue
        count += 1
        shared = together[(cluster, event)]
        precision += shared / predicted_sizes[cluster]
        recall += shared / gold_sizes[event]
    if not count:
        return Scores(1.0, 1.0, 1.0)
    precision, recall = precision / count, recall / count
    return Scores(precision, recall, harmonic_mean(precision, recall))


def pairwise(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> PairScores:
    """Pairwise precision, recall and F1 (see module), with the pair counts."""
    _check_same_items(predicted, gold)
    predicted_pairs = sum(_pairs(n) for n in Counter(predicted.values()).values())
    gold_pairs = sum(_pairs(n) for n in Counter(gold.values()).values())
    correct = sum(
        _pairs(n) for n in Counter((predicted[item], gold[item]) for item in gold).values()
    )
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / gold_pairs if gold_pairs else 1.0
    return PairScores(
        precision=precision,
        recall=recall,
        f1=harmonic_mean(precision, recall),
        predicted_pairs=predicted_pairs,
        gold_pairs=gold_pairs,
        correct_pairs=correct,
    )


def mean_scores(scores: Iterable[Scores]) -> Scores:
    """The mean of each figure (F1 is the mean of the F1s, as the README averages labellers)."""
    scores = list(scores)
    if not scores:
        raise ValueError("no scores to average")
    n = len(scores)
    return Scores(
        precision=sum(s.precision for s in scores) / n,
        recall=sum(s.recall for s in scores) / n,
        f1=sum(s.f1 for s in scores) / n,
    )


def mixed_clusters(
    predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable], *, limit: int
) -> list[MixedCluster]:
    """The ``limit`` predicted clusters with the most pairs whose items' gold events differ,
    worst first (ties: the larger cluster first, then by label as text)."""
    _check_same_items(predicted, gold)
    found = []
    for label, members in _groups(predicted).items():
        right = sum(_pairs(n) for n in Counter(gold[item] for item in members).values())
        wrong = _pairs(len(members)) - right
        if wrong:
            found.append(MixedCluster(label=label, members=tuple(members), wrong_pairs=wrong))
    found.sort(key=lambda mixed: (-mixed.wrong_pairs, -len(mixed.members), str(mixed.label)))
    return found[:limit]


def split_events(
    predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable], *, limit: int
) -> list[SplitEvent]:
    """The ``limit`` gold events spread over the most predicted clusters, worst first (ties:
    the most gold pairs left apart, then by event as text)."""
    _check_same_items(predicted, gold)
    found = []
    for event, members in _groups(gold).items():
        clusters = Counter(predicted[item] for item in members)
        if len(clusters) < 2:
            continue
        missed = _pairs(len(members)) - sum(_pairs(n) for n in clusters.values())
        found.append(
            SplitEvent(
                event=event,
                members=tuple(members),
                cluster_count=len(clusters),
                missed_pairs=missed,
            )
        )
    found.sort(key=lambda split: (-split.cluster_count, -split.missed_pairs, str(split.event)))
    return found[:limit]
