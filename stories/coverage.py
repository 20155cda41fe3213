"""Coverage figures of one story: who covers it, from which side, how reliable, owned by whom.

Over 400 lines on purpose: every figure a story shows is computed here from one input, so
that pages, API, feeds and the stored figures cannot disagree.

Pure module: no ORM, no settings, no clock. The service layer turns a story's articles into
``CoverageMember`` values, calls ``compute_figures`` and stores the result twice:
``StoryFigures.as_dict()`` in ``Story.figures`` (everything pages show) and
``StoryFigures.column_values()`` in the Story columns lists sort and filter on.

What is counted
---------------
* Bias, factuality and ownership figures count **distinct sources** (an outlet that ran five
  articles counts once), because the reader question is "who covers this". The article-list
  tabs count sources too, so a tab and the coverage box always show the same number.
* Shares are over **rated** sources only; Unrated sources are counted separately and never
  enter a share (and are never treated as Center). The sentence says "of the rated sources"
  and, when some sources are unrated, how many of all are rated.
* Shares are whole percentages by the largest-remainder method: the three sides add up to
  exactly 100 whenever any source is rated. The seven points are shared out **within their
  side** (largest remainder again, over the side's share), so every side's points add up to
  exactly the side's share and the whole table to 100; with no rated source every share is 0.
* When two or more sides tie for the most sources, the sentence names them all with their
  counts: a percentage for one of them would single it out by a rounding point.
* Wire copies count once in ``origin_count``: an article's origin is its ``wire_origin`` if
  it has one, else itself.

Blindspots
----------
The shares alone make a side look absent whenever the catalogue has no outlet of that side
reading the news then (with no right-leaning feed, every well-covered story would look like a
"Right blindspot"). So a story is a blindspot for a side only when

1. at least ``min_rated_sources`` rated sources cover it, the side's share is at most
   ``max_side_share`` and the opposite side's share is above it (``blindspot_candidate``), and
2. the side's outlets **were publishing** then: the articles that reached us through feeds
   from that side's outlets, published in the story's period (its first to its last article,
   widened by ``window_padding_hours`` each way), number at least ``min_side_articles``.

The service counts (2) with one aggregate query, only for a candidate; this module decides.
The period is fixed by the story's own articles, never by "now", so recomputing later over the
same data gives the same figures.

``Story.figures`` keys (``FIGURES_SCHEMA`` = 2)
-----------------------------------------------
``schema``              int, the layout version of this dict
``article_count``       int, articles in the story
``source_count``        int, distinct sources
``origin_count``        int, distinct origins (wire copies counted once): "original reports"
``rated_source_count``  int, distinct sources with a bias rating
``unrated_count``       int, distinct sources without a bias rating
``sides``               {"left"|"center"|"right": {"count": int, "share": int percent}}
``points``              {BiasLabel value (7 points, "far_left" … "far_right"):
                          {"count": int, "share": int percent}}; each side's points add up
                          to the side's share
``sources_by_side``     {"left"|"center"|"right"|"unrated": int sources} (article-list tabs)
``articles_by_side``    {"left"|"center"|"right"|"unrated": int articles}
``factuality``          {FactualityLabel value incl. "unrated": int sources}
``ownership``           {OwnershipCategory value: int sources}
``first_seen_at``       ISO 8601 UTC string of the earliest article, or null
``last_updated_at``     ISO 8601 UTC string of the latest article, or null
``largest_side``        "left"|"center"|"right", or "" with no rated source or a tie
``largest_side_share``  int percent of ``largest_side`` (0 without one)
``sentence``            e.g. "46% of the rated sources are Center"; "No rated sources yet"
``blindspot``           "left"|"right"|"" (see Blindspots above)
``blindspot_check``     null, or for a candidate (shares point at a side):
                          {"side", "side_source_count", "rated_source_count",
                           "period_start", "period_end" (ISO 8601 UTC),
                           "side_articles_published": int, "flagged": bool}
``blindspot_reason``    the check in words, e.g. "3 of 24 rated sources lean right; right-leaning
                          outlets published 140 articles in this period"; "" without a check
``blindspot_min_rated_sources`` / ``blindspot_max_side_share`` / ``blindspot_min_side_articles``
/ ``blindspot_window_padding_hours``  the thresholds applied
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sources.scales import (
    BIAS_SIDES,
    BiasLabel,
    FactualityLabel,
    OwnershipCategory,
    Side,
)

FIGURES_SCHEMA = 2

# Defaults; the service reads the BLINDSPOT_* settings of the same names.
BLINDSPOT_MIN_RATED_SOURCES = 5
BLINDSPOT_MAX_SIDE_SHARE_PERCENT = 20
# A side "was publishing" when its outlets ran at least this many articles in the period: about
# one active outlet's day. Fewer means the side was barely being read then (a failing feed, a
# weekly), and its silence on one story says nothing about what it chose to cover.
BLINDSPOT_MIN_SIDE_ARTICLES = 10
# The period is the story's span widened by this much each way, so that even a story whose
# articles came within minutes is judged against a full day of the side's output (time zones,
# morning and evening editions).
BLINDSPOT_WINDOW_PADDING_HOURS = 12

SIDE_ORDER: tuple[str, ...] = (Side.LEFT.value, Side.CENTER.value, Side.RIGHT.value)
POINT_ORDER: tuple[str, ...] = tuple(
    label.value for label in BiasLabel if label != BiasLabel.UNRATED
)
SIDE_POINTS: dict[str, tuple[str, ...]] = {
    side: tuple(point for point in POINT_ORDER if BIAS_SIDES[point].value == side)
    for side in SIDE_ORDER
}
SIDE_LABELS: dict[str, str] = {side.value: side.label for side in Side}
# A side counted as a whole, where its points are shown too (Coverage Details, the bias tables):
# "Left" is also the name of one of its points, and "Left 1" above "Left 0" reads as two counts
# of one thing.
SIDE_TOTAL_LABELS: dict[str, str] = {
    Side.LEFT.value: "Leaning left",
    Side.CENTER.value: Side.CENTER.label,
    Side.RIGHT.value: "Leaning right",
}
UNRATED = BiasLabel.UNRATED.value
OPPOSITE_SIDE: dict[str, str] = {
    Side.LEFT.value: Side.RIGHT.value,
    Side.RIGHT.value: Side.LEFT.value,
}
NO_RATED_SOURCES_SENTENCE = "No rated sources yet"


@dataclass(frozen=True)
class BlindspotParams:
    """The thresholds a blindspot is decided with (defaults above; settings override)."""

    min_rated_sources: int = BLINDSPOT_MIN_RATED_SOURCES
    max_side_share: int = BLINDSPOT_MAX_SIDE_SHARE_PERCENT
    min_side_articles: int = BLINDSPOT_MIN_SIDE_ARTICLES
    window_padding_hours: int = BLINDSPOT_WINDOW_PADDING_HOURS


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
class BlindspotCandidate:
    """A story whose shares point at ``side``; the service counts the side's output in
    ``period_start`` … ``period_end`` (inclusive) to decide."""

    side: str
    side_source_count: int
    rated_source_count: int
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class BlindspotCheck:
    """A candidate and what its side published in the period."""

    candidate: BlindspotCandidate
    side_articles_published: int
    min_side_articles: int

    @property
    def flagged(self) -> bool:
        return self.side_articles_published >= self.min_side_articles

    @property
    def reason(self) -> str:
        """The check in words, for the badge, the story page and the feeds."""
        c = self.candidate
        side = c.side
        if c.side_source_count == 0:
            few = f"None of the {c.rated_source_count} rated sources leans {side}"
        else:
            verb = "leans" if c.side_source_count == 1 else "lean"
            few = f"{c.side_source_count} of {c.rated_source_count} rated sources {verb} {side}"
        published = _articles(self.side_articles_published)
        if self.flagged:
            return f"{few}; {side}-leaning outlets published {published} in this period"
        if self.side_articles_published == 0:
            output = f"no {side}-leaning outlet we follow published anything in this period"
        else:
            output = f"{side}-leaning outlets we follow published only {published} in this period"
        return f"{few}, but {output}, so their absence says nothing: not a blindspot"

    def as_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "side": c.side,
            "side_source_count": c.side_source_count,
            "rated_source_count": c.rated_source_count,
            "period_start": _iso(c.period_start),
            "period_end": _iso(c.period_end),
            "side_articles_published": self.side_articles_published,
            "flagged": self.flagged,
        }


def _articles(count: int) -> str:
    return f"{count} article{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class StoryFigures:
    article_count: int
    source_count: int
    origin_count: int
    rated_source_count: int
    unrated_count: int
    sides: Mapping[str, SideFigure]
    points: Mapping[str, SideFigure]
    sources_by_side: Mapping[str, int]
    articles_by_side: Mapping[str, int]
    factuality: Mapping[str, int]
    ownership: Mapping[str, int]
    first_seen_at: datetime | None
    last_updated_at: datetime | None
    largest_side: str
    largest_side_share: int
    sentence: str
    blindspot: str
    blindspot_check: BlindspotCheck | None = None
    params: BlindspotParams = field(default_factory=BlindspotParams)
    schema: int = field(default=FIGURES_SCHEMA)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict stored in ``Story.figures`` (keys documented in the module)."""
        check = self.blindspot_check
        return {
            "schema": self.schema,
            "article_count": self.article_count,
            "source_count": self.source_count,
            "origin_count": self.origin_count,
            "rated_source_count": self.rated_source_count,
            "unrated_count": self.unrated_count,
            "sides": {k: {"count": v.count, "share": v.share} for k, v in self.sides.items()},
            "points": {k: {"count": v.count, "share": v.share} for k, v in self.points.items()},
            "sources_by_side": dict(self.sources_by_side),
            "articles_by_side": dict(self.articles_by_side),
            "factuality": dict(self.factuality),
            "ownership": dict(self.ownership),
            "first_seen_at": _iso(self.first_seen_at),
            "last_updated_at": _iso(self.last_updated_at),
            "largest_side": self.largest_side,
            "largest_side_share": self.largest_side_share,
            "sentence": self.sentence,
            "blindspot": self.blindspot,
            "blindspot_check": check.as_dict() if check else None,
            "blindspot_reason": check.reason if check else "",
            "blindspot_min_rated_sources": self.params.min_rated_sources,
            "blindspot_max_side_share": self.params.max_side_share,
            "blindspot_min_side_articles": self.params.min_side_articles,
            "blindspot_window_padding_hours": self.params.window_padding_hours,
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


def side_shares(side_counts: Mapping[str, int]) -> dict[str, SideFigure]:
    """Left/Center/Right counts with their whole-percent shares (adding up to 100)."""
    counts = [side_counts.get(side, 0) for side in SIDE_ORDER]
    shares = largest_remainder_percentages(counts)
    return {
        side: SideFigure(count=count, share=share)
        for side, count, share in zip(SIDE_ORDER, counts, shares, strict=True)
    }


def point_shares(
    point_counts: Mapping[str, int], sides: Mapping[str, SideFigure]
) -> dict[str, SideFigure]:
    """The seven points, each side's share divided among its points by largest remainder, so
    a side's points always add up to the side's share (the 7-point table agrees with the
    3-side bar and sentence)."""
    points: dict[str, SideFigure] = {}
    for side in SIDE_ORDER:
        counts = [point_counts.get(point, 0) for point in SIDE_POINTS[side]]
        shares = largest_remainder_percentages(counts, total=sides[side].share)
        for point, count, share in zip(SIDE_POINTS[side], counts, shares, strict=True):
            points[point] = SideFigure(count=count, share=share)
    return {point: points[point] for point in POINT_ORDER}


def _sources(count: int) -> str:
    return f"{count} source{'' if count == 1 else 's'}"


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def largest_sides(sides: Mapping[str, SideFigure]) -> list[str]:
    """The sides with the most rated sources (several on a tie; none with no rated source)."""
    most = max(figure.count for figure in sides.values())
    if most == 0:
        return []
    return [side for side in SIDE_ORDER if sides[side].count == most]


def bias_sentence(sides: Mapping[str, SideFigure], *, unrated_count: int) -> str:
    """What the bias chart says in words: "46% of the rated sources are Center".

    On a tie the tied sides are named with their counts ("Left, Center and Right each have
    3 of the 9 rated sources"); when some sources are unrated the sentence says how many of
    all are rated ("(1 of 2 sources is rated)"), so a single rated outlet is never "100% of
    the sources".
    """
    rated = sum(figure.count for figure in sides.values())
    if not rated:
        return NO_RATED_SOURCES_SENTENCE
    largest = largest_sides(sides)
    if len(largest) == 1:
        side = largest[0]
        sentence = f"{sides[side].share}% of the rated sources are {SIDE_LABELS[side]}"
    else:
        names = _join([SIDE_LABELS[side] for side in largest])
        sentence = f"{names} each have {sides[largest[0]].count} of the {rated} rated sources"
    if unrated_count:
        total = rated + unrated_count
        verb = "is" if rated == 1 else "are"
        sentence += f" ({rated} of {_sources(total)} {verb} rated)"
    return sentence


def sentence_from_counts(*, left: int, center: int, right: int, unrated: int) -> str:
    """``bias_sentence`` from a story's side columns: what lists, the API and the feeds print
    without loading ``Story.figures`` (the same function over the same counts, so the same
    words as the story page)."""
    sides = side_shares({"left": left, "center": center, "right": right})
    return bias_sentence(sides, unrated_count=unrated)


def blindspot_candidate(
    members: Iterable[CoverageMember], *, params: BlindspotParams
) -> BlindspotCandidate | None:
    """The side the shares say misses the story, with the period to check its output in.

    "left" when enough rated sources cover the story, the left share is at most the threshold
    and the right share above it (the right covers what the left misses); "right"
    symmetrically; None otherwise (too few sources, a center-only story, no dates).
    """
    members = list(members)
    sides = side_shares(_side_source_counts(_labels_by_source(members)))
    rated = sum(figure.count for figure in sides.values())
    if rated < params.min_rated_sources:
        return None
    side = ""
    for candidate in (Side.LEFT.value, Side.RIGHT.value):
        opposite = OPPOSITE_SIDE[candidate]
        if sides[candidate].share <= params.max_side_share < sides[opposite].share:
            side = candidate
    seen = [m.seen_at for m in members if m.seen_at is not None]
    if not side or not seen:
        return None
    padding = timedelta(hours=params.window_padding_hours)
    return BlindspotCandidate(
        side=side,
        side_source_count=sides[side].count,
        rated_source_count=rated,
        period_start=min(seen) - padding,
        period_end=max(seen) + padding,
    )


def _labels_by_source(members: Sequence[CoverageMember]) -> dict[int, CoverageMember]:
    # A source's labels come from one Source row; the last member wins if they ever differ.
    return {member.source_id: member for member in members}


def _side_source_counts(sources: Mapping[int, CoverageMember]) -> Counter[str]:
    counts = Counter[str]()
    for member in sources.values():
        side = BIAS_SIDES.get(member.bias)
        if side is not None:
            counts[side.value] += 1
    return counts


def compute_figures(
    members: Iterable[CoverageMember],
    *,
    params: BlindspotParams | None = None,
    side_articles_published: int = 0,
) -> StoryFigures:
    """Figures of the story made of ``members``.

    ``side_articles_published``: how many articles the outlets of the blindspot candidate's
    side (``blindspot_candidate``) published in its period; without it no story is a
    blindspot, because nothing says that side was being read.
    """
    params = params or BlindspotParams()
    members = list(members)
    source_labels = _labels_by_source(members)

    point_counts = Counter(m.bias for m in source_labels.values() if m.bias in BIAS_SIDES)
    rated = sum(point_counts.values())
    unrated = len(source_labels) - rated
    sides = side_shares(_side_source_counts(source_labels))
    points = point_shares(point_counts, sides)

    articles_by_side = Counter[str]({side: 0 for side in (*SIDE_ORDER, UNRATED)})
    for member in members:
        side = BIAS_SIDES.get(member.bias)
        articles_by_side[side.value if side else UNRATED] += 1
    sources_by_side = {side: sides[side].count for side in SIDE_ORDER} | {UNRATED: unrated}

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
    largest = largest_sides(sides)
    largest_side = largest[0] if len(largest) == 1 else ""

    candidate = blindspot_candidate(members, params=params)
    check = (
        BlindspotCheck(
            candidate=candidate,
            side_articles_published=side_articles_published,
            min_side_articles=params.min_side_articles,
        )
        if candidate
        else None
    )

    return StoryFigures(
        article_count=len(members),
        source_count=len(source_labels),
        origin_count=len({m.origin_id for m in members}),
        rated_source_count=rated,
        unrated_count=unrated,
        sides=sides,
        points=points,
        sources_by_side=sources_by_side,
        articles_by_side=dict(articles_by_side),
        factuality=dict(factuality),
        ownership=dict(ownership),
        first_seen_at=min(seen) if seen else None,
        last_updated_at=max(seen) if seen else None,
        largest_side=largest_side,
        largest_side_share=sides[largest_side].share if largest_side else 0,
        sentence=bias_sentence(sides, unrated_count=unrated),
        blindspot=check.candidate.side if check and check.flagged else "",
        blindspot_check=check,
        params=params,
    )
