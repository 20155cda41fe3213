"""Coverage figures of one story: who covers it, from which side, how reliable, owned by whom.

Pure module: no ORM, no settings, no clock. The service layer turns a story's articles into
``CoverageMember`` values, calls ``compute_figures`` and stores the result twice:
``StoryFigures.as_dict()`` in ``Story.figures`` (everything pages show) and
``StoryFigures.column_values()`` in the Story columns lists sort and filter on.

What is counted
---------------
* Bias, factuality and ownership figures count **distinct sources** (an outlet that ran five
  articles counts once), because the reader question is "who covers this".
* Shares are over **rated** sources only; Unrated sources are counted separately and never
  enter a share (and are never treated as Center).
* Shares are whole percentages rounded with the largest-remainder method, so the shares of
  the three sides add up to exactly 100 (and so do the seven points) whenever any source is
  rated; with no rated source every share is 0.
* Wire copies count once in ``origin_count``: an article's origin is its ``wire_origin`` if
  it has one, else itself.

``Story.figures`` keys (``FIGURES_SCHEMA`` = 1)
-----------------------------------------------
``schema``              int, the layout version of this dict
``article_count``       int, articles in the story
``source_count``        int, distinct sources
``origin_count``        int, distinct origins (wire copies counted once)
``rated_source_count``  int, distinct sources with a bias rating
``unrated_count``       int, distinct sources without a bias rating
``sides``               {"left"|"center"|"right": {"count": int, "share": int percent}}
``points``              {BiasLabel value (7 points, "far_left" … "far_right"):
                          {"count": int, "share": int percent}}
``articles_by_side``    {"left"|"center"|"right"|"unrated": int articles} (for article tabs)
``factuality``          {FactualityLabel value incl. "unrated": int sources}
``ownership``           {OwnershipCategory value: int sources}
``first_seen_at``       ISO 8601 UTC string of the earliest article, or null
``last_updated_at``     ISO 8601 UTC string of the latest article, or null
``largest_side``        "left"|"center"|"right", or "" with no rated source
``largest_side_share``  int percent of ``largest_side``
``sentence``            e.g. "46% of the sources are Center"; "No rated sources yet"
``blindspot``           "left"|"right"|"" (see ``blindspot_side``)
``blindspot_min_rated_sources`` / ``blindspot_max_side_share``  the thresholds applied
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sources.scales import (
    BIAS_SIDES,
    BiasLabel,
    FactualityLabel,
    OwnershipCategory,
    Side,
)

FIGURES_SCHEMA = 1

# Defaults; the service reads BLINDSPOT_MIN_RATED_SOURCES / BLINDSPOT_MAX_SIDE_SHARE settings.
BLINDSPOT_MIN_RATED_SOURCES = 5
BLINDSPOT_MAX_SIDE_SHARE_PERCENT = 20

SIDE_ORDER: tuple[str, ...] = (Side.LEFT.value, Side.CENTER.value, Side.RIGHT.value)
POINT_ORDER: tuple[str, ...] = tuple(
    label.value for label in BiasLabel if label != BiasLabel.UNRATED
)
SIDE_LABELS: dict[str, str] = {side.value: side.label for side in Side}
# Ties for the largest side go to the middle first, then left before right.
LARGEST_SIDE_TIE_ORDER: tuple[str, ...] = (
    Side.CENTER.value,
    Side.LEFT.value,
    Side.RIGHT.value,
)
NO_RATED_SOURCES_SENTENCE = "No rated sources yet"


@dataclass(frozen=True)
class CoverageMember:
    """One article of a story, with what its source is rated (a plain value, no ORM)."""

    article_id: int
    source_id: int
    bias: str = BiasLabel.UNRATED.value
    factuality: str = FactualityLabel.UNRATED.value
    ownership: str = OwnershipCategory.UNKNOWN.value
    wire_origin_id: int | None = None
    seen_at: datetime | None = None

    @property
    def origin_id(self) -> int:
        return self.wire_origin_id or self.article_id


@dataclass(frozen=True)
class SideFigure:
    count: int
    share: int  # whole percent of rated sources


@dataclass(frozen=True)
class StoryFigures:
    article_count: int
    source_count: int
    origin_count: int
    rated_source_count: int
    unrated_count: int
    sides: Mapping[str, SideFigure]
    points: Mapping[str, SideFigure]
    articles_by_side: Mapping[str, int]
    factuality: Mapping[str, int]
    ownership: Mapping[str, int]
    first_seen_at: datetime | None
    last_updated_at: datetime | None
    largest_side: str
    largest_side_share: int
    sentence: str
    blindspot: str
    blindspot_min_rated_sources: int = BLINDSPOT_MIN_RATED_SOURCES
    blindspot_max_side_share: int = BLINDSPOT_MAX_SIDE_SHARE_PERCENT
    schema: int = field(default=FIGURES_SCHEMA)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict stored in ``Story.figures`` (keys documented in the module)."""
        return {
            "schema": self.schema,
            "article_count": self.article_count,
            "source_count": self.source_count,
            "origin_count": self.origin_count,
            "rated_source_count": self.rated_source_count,
            "unrated_count": self.unrated_count,
            "sides": {k: {"count": v.count, "share": v.share} for k, v in self.sides.items()},
            "points": {k: {"count": v.count, "share": v.share} for k, v in self.points.items()},
            "articles_by_side": dict(self.articles_by_side),
            "factuality": dict(self.factuality),
            "ownership": dict(self.ownership),
            "first_seen_at": _iso(self.first_seen_at),
            "last_updated_at": _iso(self.last_updated_at),
            "largest_side": self.largest_side,
            "largest_side_share": self.largest_side_share,
            "sentence": self.sentence,
            "blindspot": self.blindspot,
            "blindspot_min_rated_sources": self.blindspot_min_rated_sources,
            "blindspot_max_side_share": self.blindspot_max_side_share,
        }

    def column_values(self) -> dict[str, Any]:
        """The denormalised Story columns (all but the dates always set)."""
        return {
            "article_count": self.article_count,
            "source_count": self.source_count,
            "origin_count": self.origin_count,
            "left_count": self.sides[Side.LEFT.value].count,
            "center_count": self.sides[Side.CENTER.value].count,
            "right_count": self.sides[Side.RIGHT.value].count,
            "unrated_count": self.unrated_count,
            "blindspot": self.blindspot,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def largest_remainder_percentages(counts: Sequence[int], total: int = 100) -> list[int]:
    """Whole percentages of ``counts`` that add up to ``total`` (all zero if counts are).

    Each share is floored, then the points left over go to the largest remainders; ties go
    to the earlier position so the result is deterministic.
    """
    whole = sum(counts)
    if whole <= 0:
        return [0 for _ in counts]
    exact = [count * total for count in counts]
    floors = [value // whole for value in exact]
    remainders = [value % whole for value in exact]
    missing = total - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-remainders[i], i))
    for index in by_remainder[:missing]:
        floors[index] += 1
    return floors


def blindspot_side(
    sides: Mapping[str, SideFigure],
    *,
    rated_source_count: int,
    min_rated_sources: int,
    max_side_share: int,
) -> str:
    """ "left" when enough rated sources cover the story, the left share is at most the
    threshold and the right share is above it (the right covers what the left misses);
    "right" symmetrically; otherwise "" (too few sources, or a center-only story)."""
    if rated_source_count < min_rated_sources:
        return ""
    left = sides[Side.LEFT.value].share
    right = sides[Side.RIGHT.value].share
    if left <= max_side_share < right:
        return Side.LEFT.value
    if right <= max_side_share < left:
        return Side.RIGHT.value
    return ""


def coverage_sentence(side: str, share: int) -> str:
    if not side:
        return NO_RATED_SOURCES_SENTENCE
    return f"{share}% of the sources are {SIDE_LABELS[side]}"


def compute_figures(
    members: Iterable[CoverageMember],
    *,
    min_rated_sources: int = BLINDSPOT_MIN_RATED_SOURCES,
    max_side_share: int = BLINDSPOT_MAX_SIDE_SHARE_PERCENT,
) -> StoryFigures:
    """Figures of the story made of ``members``.

    A source's labels are read from its members; they are expected to agree (they come from
    one Source row), and the last member wins if they do not.
    """
    members = list(members)
    source_labels: dict[int, CoverageMember] = {}
    for member in members:
        source_labels[member.source_id] = member

    point_counts = Counter(m.bias for m in source_labels.values() if m.bias in BIAS_SIDES)
    rated = sum(point_counts.values())
    unrated = len(source_labels) - rated

    side_counts = Counter[str]()
    for point, count in point_counts.items():
        side_counts[BIAS_SIDES[point].value] += count
    side_values = [side_counts[side] for side in SIDE_ORDER]
    side_shares = largest_remainder_percentages(side_values)
    sides = {
        side: SideFigure(count=count, share=share)
        for side, count, share in zip(SIDE_ORDER, side_values, side_shares, strict=True)
    }
    point_values = [point_counts[point] for point in POINT_ORDER]
    point_shares = largest_remainder_percentages(point_values)
    points = {
        point: SideFigure(count=count, share=share)
        for point, count, share in zip(POINT_ORDER, point_values, point_shares, strict=True)
    }

    articles_by_side = Counter[str]({side: 0 for side in (*SIDE_ORDER, "unrated")})
    for member in members:
        side = BIAS_SIDES.get(member.bias)
        articles_by_side[side.value if side else "unrated"] += 1

    factuality = Counter[str]({label.value: 0 for label in FactualityLabel})
    ownership = Counter[str]({category.value: 0 for category in OwnershipCategory})
    for member in source_labels.values():
        factuality[
            member.factuality if member.factuality in factuality else FactualityLabel.UNRATED
        ] += 1
        ownership[
            member.ownership if member.ownership in ownership else OwnershipCategory.UNKNOWN
        ] += 1

    seen = [m.seen_at for m in members if m.seen_at is not None]
    if rated:
        largest = max(
            LARGEST_SIDE_TIE_ORDER,
            key=lambda side: (sides[side].count, -LARGEST_SIDE_TIE_ORDER.index(side)),
        )
        largest_share = sides[largest].share
    else:
        largest, largest_share = "", 0

    return StoryFigures(
        article_count=len(members),
        source_count=len(source_labels),
        origin_count=len({m.origin_id for m in members}),
        rated_source_count=rated,
        unrated_count=unrated,
        sides=sides,
        points=points,
        articles_by_side=dict(articles_by_side),
        factuality=dict(factuality),
        ownership=dict(ownership),
        first_seen_at=min(seen) if seen else None,
        last_updated_at=max(seen) if seen else None,
        largest_side=largest,
        largest_side_share=largest_share,
        sentence=coverage_sentence(largest, largest_share),
        blindspot=blindspot_side(
            sides,
            rated_source_count=rated,
            min_rated_sources=min_rated_sources,
            max_side_share=max_side_share,
        ),
        blindspot_min_rated_sources=min_rated_sources,
        blindspot_max_side_share=max_side_share,
    )
