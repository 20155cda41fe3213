"""Replay labelled headlines through the streaming clusterer and print quality and speed.

Usage: ``.venv/bin/python bench/clustering.py [CSV] [--threshold X] [--part P]``. CSV defaults
to ``../shared/data/clustering/uci_dev.csv`` (columns ID, TITLE, STORY, TIMESTAMP in ms).

``--part first-half`` / ``second-half`` replays only the gold stories that start in the first
(second) half, ordered by their first article: tune on one, check on the other, so a figure is
not only a measure of how well the constants fit the file they were chosen on.

Articles go, in timestamp order, through ``stories.clustering.place_article`` and an index
with the same lookup shape the workers use (rarest-term postings restricted to the window).
The merge pass (``stories.clustering.plan_merges``) runs every ``MERGE_PASS_EVERY`` of
article time, as the beat schedule runs ``stories.tasks.stories_merge_pass``.
UCI headlines group broad topics over days, which is not what a story page is: this is the
secondary figure; ``bench/stories.py`` (real feeds, labelled events) is the measure.
Each headline's sentence embedding is worked out once before the timing starts (the workers
work it out before the clustering lock). Prints B-cubed precision / recall / F1, articles per
second for clustering alone, and the per-article cost with 10k and 200k articles already stored (the
stored corpus is made of copies of the file shifted in time so that no two copies share a
window). The last line is ``clustering bcubed F1=0.xxx``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from stories.clustering import (  # noqa: E402
    ClusterParams,
    MemoryIndex,
    article_features,
    embedding_of,
    place_article,
    plan_merges,
)

# As the beat schedule suggested for stories.tasks.stories_merge_pass.
MERGE_PASS_EVERY = timedelta(minutes=15)
DEFAULT_CSV = REPO_ROOT.parent / "shared" / "data" / "clustering" / "uci_dev.csv"
PARTS = ("all", "first-half", "second-half")


@dataclass(frozen=True)
class Row:
    article_id: int
    title: str
    story: str
    published_at: datetime


def read_rows(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            Row(
                article_id=int(record["ID"]),
                title=record["TITLE"],
                story=record["STORY"],
                published_at=datetime.fromtimestamp(int(record["TIMESTAMP"]) / 1000, tz=UTC),
            )
            for record in csv.DictReader(handle)
        ]
    rows.sort(key=lambda row: (row.published_at, row.article_id))
    return rows


def story_half(rows: list[Row], part: str) -> list[Row]:
    """The rows of the gold stories that start in the ``first-half`` or ``second-half``."""
    first_seen: dict[str, datetime] = {}
    for row in rows:
        first_seen.setdefault(row.story, row.published_at)
    ordered = sorted(first_seen, key=lambda story: (first_seen[story], story))
    first = set(ordered[: len(ordered) // 2])
    return [row for row in rows if (row.story in first) == (part == "first-half")]


def bcubed(assignments: dict[int, int], gold: dict[int, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``assignments`` against ``gold`` labels."""
    clusters: dict[int, list[int]] = defaultdict(list)
    for item, cluster in assignments.items():
        clusters[cluster].append(item)
    gold_sizes = Counter(gold[item] for item in assignments)
    precision = recall = 0.0
    for members in clusters.values():
        labels = Counter(gold[item] for item in members)
        for label, together in labels.items():
            precision += together * together / len(members)
            recall += together * together / gold_sizes[label]
    count = len(assignments)
    precision, recall = precision / count, recall / count
    return precision, recall, 2 * precision * recall / (precision + recall)


def headline_embeddings(rows: list[Row]) -> dict[str, np.ndarray | None]:
    """Each distinct title's sentence embedding, worked out once, before any timing: the
    workers work it out before the clustering lock, so it is not clustering's cost."""
    return {title: embedding_of(title, "") for title in {row.title for row in rows}}


def replay(
    rows: list[Row],
    params: ClusterParams,
    index: MemoryIndex | None = None,
    merge_every: timedelta | None = MERGE_PASS_EVERY,
    embeddings: Mapping[str, np.ndarray | None] | None = None,
) -> MemoryIndex:
    """Place every row in order; run the merge pass every ``merge_every`` of article time.
    With ``embeddings`` (title -> embedding) articles link by meaning too."""
    index = index or MemoryIndex()
    next_merge = rows[0].published_at + merge_every if rows and merge_every else None
    for row in rows:
        if next_merge is not None and row.published_at >= next_merge:
            merge_pass(index, now=row.published_at, params=params)
            next_merge = row.published_at + merge_every
        features = article_features(
            row.article_id,
            row.title,
            row.published_at,
            embedding=embeddings.get(row.title) if embeddings else None,
        )
        index.record(features, place_article(index, features, params=params))
    if next_merge is not None:
        merge_pass(index, now=rows[-1].published_at, params=params)
    return index


def merge_pass(index: MemoryIndex, *, now: datetime, params: ClusterParams) -> None:
    stories = index.active_stories(now - params.window)
    for absorbed, into in plan_merges(index, stories, now=now, params=params):
        index.merge(absorbed, into)


def shifted(rows: list[Row], copy: int, gap: timedelta) -> list[Row]:
    return [
        replace(
            row,
            article_id=row.article_id + copy * 10_000_000,
            published_at=row.published_at + copy * gap,
        )
        for row in rows
    ]


def cost_per_article(
    rows: list[Row],
    params: ClusterParams,
    stored: int,
    embeddings: Mapping[str, np.ndarray | None],
) -> float:
    """Seconds per article to cluster one fresh copy after ``stored`` articles."""
    span = rows[-1].published_at - rows[0].published_at
    gap = span + params.window + timedelta(hours=1)
    index = MemoryIndex()
    copy = 0
    while index.document_count() < stored:
        copy += 1
        need = stored - index.document_count()
        replay(shifted(rows, copy, gap)[:need], params, index, embeddings=embeddings)
    fresh = shifted(rows, copy + 1, gap)
    # The stored corpus stands for database rows: keep the collector from rescanning it, so
    # the figure measures lookup and scoring rather than the size of Python's heap.
    gc.collect()
    gc.freeze()
    try:
        started = time.perf_counter()
        replay(fresh, params, index, embeddings=embeddings)
        return (time.perf_counter() - started) / len(fresh)
    finally:
        gc.unfreeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--threshold", type=float, default=None, help="link threshold")
    parser.add_argument("--part", choices=PARTS, default="all")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()

    params = ClusterParams()
    if args.threshold is not None:
        params = replace(params, link_threshold=args.threshold)

    rows = read_rows(args.csv)
    if args.part != "all":
        rows = story_half(rows, args.part)
    gold = {row.article_id: row.story for row in rows}
    embeddings = headline_embeddings(rows)
    started = time.perf_counter()
    index = replay(rows, params, embeddings=embeddings)
    elapsed = time.perf_counter() - started
    precision, recall, f1 = bcubed(
        {article: index.story_of(article) for article in index.assignments}, gold
    )
    print(
        f"file: {args.csv}, {args.part} ({len(rows)} articles, "
        f"{len(set(gold.values()))} gold stories)"
    )
    print(f"params: {params}")
    print(f"stories formed: {len(index.stories)}")
    print(f"bcubed precision={precision:.3f} recall={recall:.3f}")
    print(f"speed: {len(rows) / elapsed:.0f} articles/s (clustering alone, one core)")
    if not args.skip_scale:
        small = cost_per_article(rows, params, 10_000, embeddings)
        large = cost_per_article(rows, params, 200_000, embeddings)
        print(f"cost per article with 10k stored: {small * 1e6:.0f} us")
        print(f"cost per article with 200k stored: {large * 1e6:.0f} us")
        print(f"ratio 200k/10k: {large / small:.2f}x")
    print(f"clustering bcubed F1={f1:.3f}")


if __name__ == "__main__":
    main()
