""" "My News Bias": what a reader opened over a window of days, summarised.

Pure module: plain ``ReadRecord`` values in, a ``ReadingSummary`` out; no ORM, no clock.

What is counted
---------------
* Each **distinct article** opened in the window counts once (opening the same link twice is
  one read), so a reader cannot skew their own picture by clicking repeatedly.
* Bias and factuality shares are over articles whose source is rated; Unrated is counted
  separately and never counted as Center (as on story pages).
* Blindspot stories are the distinct stories with a blindspot whose articles the reader opened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sources.scales import BIAS_SIDES, BiasLabel, FactualityLabel
from stories.coverage import (
    POINT_ORDER,
    SIDE_LABELS,
    SIDE_ORDER,
    largest_remainder_percentages,
)

WINDOW_DAYS: tuple[int, ...] = (7, 30, 90)
DEFAULT_WINDOW_DAYS = 30
TOP_OUTLETS_LIMIT = 5
FACTUALITY_ORDER: tuple[str, ...] = tuple(
    label.value for label in FactualityLabel if label != FactualityLabel.UNRATED
)
FACTUALITY_LABELS: dict[str, str] = {label.value: label.label for label in FactualityLabel}
BIAS_LABELS: dict[str, str] = {label.value: label.label for label in BiasLabel}


@dataclass(frozen=True)
class ReadRecord:
    article_id: int
    read_at: datetime
    source_id: int
    source_name: str
    source_slug: str
    bias: str
    factuality: str
    story_id: int | None = None
    story_slug: str = ""
    story_headline: str = ""
    story_blindspot: str = ""


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int
    share: int  # whole percent of the rated reads


@dataclass(frozen=True)
class OutletReads:
    source_id: int
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class BlindspotRead:
    story_id: int
    slug: str
    headline: str
    side: str  # the side that misses the story: "left" or "right"


@dataclass(frozen=True)
class ReadingSummary:
    days: int
    article_count: int
    source_count: int
    sides: tuple[Share, ...]
    points: tuple[Share, ...]
    unrated_bias_count: int
    factuality: tuple[Share, ...]
    unrated_factuality_count: int
    top_outlets: tuple[OutletReads, ...]
    blindspots: tuple[BlindspotRead, ...]

    def chart_data(self) -> dict[str, list]:
        """What the page hands to Chart.js through ``json_script``."""
        return {
            "side_labels": [s.label for s in self.sides],
            "side_counts": [s.count for s in self.sides],
            "factuality_labels": [f.label for f in self.factuality],
            "factuality_counts": [f.count for f in self.factuality],
        }


def _shares(keys: tuple[str, ...], labels: dict[str, str], counts: Counter) -> tuple[Share, ...]:
    values = [counts[key] for key in keys]
    percents = largest_remainder_percentages(values)
    return tuple(
        Share(key=key, label=labels[key], count=count, share=percent)
        for key, count, percent in zip(keys, values, percents, strict=True)
    )


def summarize_reading(records: Iterable[ReadRecord], *, now: datetime, days: int) -> ReadingSummary:
    """Summary of the reads in ``(now - days, now]``; records outside it are ignored."""
    since = now - timedelta(days=days)
    latest: dict[int, ReadRecord] = {}
    for record in records:
        if since < record.read_at <= now:
            kept = latest.get(record.article_id)
            if kept is None or record.read_at > kept.read_at:
                latest[record.article_id] = record
    reads = list(latest.values())

    point_counts = Counter(r.bias for r in reads if r.bias in BIAS_SIDES)
    side_counts = Counter[str]()
    for point, count in point_counts.items():
        side_counts[BIAS_SIDES[point].value] += count
    factuality_counts = Counter(r.factuality for r in reads if r.factuality in FACTUALITY_ORDER)

    outlet_counts = Counter(r.source_id for r in reads)
    outlet_of = {r.source_id: r for r in reads}
    top_outlets = tuple(
        OutletReads(
            source_id=source_id,
            name=outlet_of[source_id].source_name,
            slug=outlet_of[source_id].source_slug,
            count=count,
        )
        for source_id, count in sorted(
            outlet_counts.items(), key=lambda item: (-item[1], outlet_of[item[0]].source_name)
        )[:TOP_OUTLETS_LIMIT]
    )

    blindspots: dict[int, BlindspotRead] = {}
    for r in sorted(reads, key=lambda r: r.read_at, reverse=True):
        if r.story_id is not None and r.story_blindspot and r.story_id not in blindspots:
            blindspots[r.story_id] = BlindspotRead(
                story_id=r.story_id,
                slug=r.story_slug,
                headline=r.story_headline,
                side=r.story_blindspot,
            )

    return ReadingSummary(
        days=days,
        article_count=len(reads),
        source_count=len(outlet_counts),
        sides=_shares(SIDE_ORDER, SIDE_LABELS, side_counts),
        points=_shares(POINT_ORDER, BIAS_LABELS, point_counts),
        unrated_bias_count=len(reads) - sum(point_counts.values()),
        factuality=_shares(FACTUALITY_ORDER, FACTUALITY_LABELS, factuality_counts),
        unrated_factuality_count=len(reads) - sum(factuality_counts.values()),
        top_outlets=top_outlets,
        blindspots=tuple(blindspots.values()),
    )


def window_days(raw: str | None) -> int:
    """The window a request asked for, falling back to the default for anything unknown."""
    try:
        days = int(raw or "")
    except ValueError:
        return DEFAULT_WINDOW_DAYS
    return days if days in WINDOW_DAYS else DEFAULT_WINDOW_DAYS
