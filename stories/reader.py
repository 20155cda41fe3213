"""Presentation helpers for reader pages: plain values in, plain values out.

Over 400 lines on purpose: one small pure helper per thing a reader page shows (rows, tabs,
bars, timeline, blindspot note, rater credits); apart they would scatter one vocabulary.

Pure module: no ORM, no settings, no clock (``now`` is an argument). Selectors turn rows into
``ArticleRow`` values; views and templates use the helpers below to filter, sort, group and
describe them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sources.domains import is_web_url
from sources.scales import (
    BIAS_SIDES,
    BIAS_VALUES,
    OWN_LABEL_RATERS,
    BiasLabel,
    FactualityLabel,
    Rater,
)
from stories.coverage import POINT_ORDER, SIDE_LABELS, SIDE_ORDER, largest_remainder_percentages

SIDE_ALL = "all"
UNRATED = "unrated"
SIDE_FILTERS: tuple[str, ...] = (SIDE_ALL, *SIDE_ORDER, UNRATED)
SORT_NEWEST = "newest"
SORT_BIAS = "bias"
SORTS: tuple[str, ...] = (SORT_NEWEST, SORT_BIAS)
NOT_A_RATING = "not a rating"
SORT_LABELS: dict[str, str] = {SORT_NEWEST: "Newest", SORT_BIAS: "By bias"}
POINT_LABELS: dict[str, str] = {label.value: label.label for label in BiasLabel}
FACTUALITY_LABELS: dict[str, str] = {label.value: label.label for label in FactualityLabel}

EXCERPT_CHARS = 280
TIMELINE_MAX_BUCKETS = 12
FIRST_REPORTERS = 3
# Home ranking: coverage divided by age, so a wide story stays up longer than a narrow one.
RANK_AGE_OFFSET_HOURS = 2.0
RANK_GRAVITY = 1.3


@dataclass(frozen=True)
class ArticleRow:
    """One article as a reader page shows it."""

    id: int
    title: str
    url: str
    excerpt: str
    published_at: datetime | None
    source_name: str
    source_slug: str
    bias: str = BiasLabel.UNRATED.value
    wire_origin_id: int | None = None
    # Premium: templates show it only to premium readers (stories.access).
    factuality: str = FactualityLabel.UNRATED.value
    # Known only from its feed entry (the page could not be read): readers are told so.
    feed_only: bool = False
    image: str = ""  # the stored picture's key (infra.media), "" when none
    source_favicon: str = ""  # the outlet's stored icon key, "" when none

    @property
    def factuality_label(self) -> str:
        if self.factuality == FactualityLabel.UNRATED.value:
            return ""
        return FACTUALITY_LABELS.get(self.factuality, "")

    @property
    def side(self) -> str:
        side = BIAS_SIDES.get(self.bias)
        return side.value if side else UNRATED

    @property
    def bias_label(self) -> str:
        return POINT_LABELS.get(self.bias, POINT_LABELS[UNRATED])

    @property
    def chip_class(self) -> str:
        return bias_chip_class(self.bias)


@dataclass(frozen=True)
class ArticleEntry:
    """An article with the wire copies that reprinted it (collapsed under it on the page)."""

    article: ArticleRow
    copies: tuple[ArticleRow, ...] = ()

    @property
    def copies_sentence(self) -> str:
        sites = "site" if len(self.copies) == 1 else "sites"
        return f"+{len(self.copies)} {sites} ran this {self.article.source_name} story"


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    count: int
    active: bool


@dataclass(frozen=True)
class BarSegment:
    """One side of a stacked bias bar; ``offset`` and ``share`` are percent of the bar."""

    side: str
    label: str
    count: int
    share: int
    offset: int


@dataclass(frozen=True)
class TimelineColumn:
    start: datetime
    counts: Mapping[str, int]
    total: int
    # (side, y, height) rectangles in a 0..100 tall viewBox, bottom-up.
    rects: tuple[tuple[str, float, float], ...]
    x: int


@dataclass(frozen=True)
class Timeline:
    columns: tuple[TimelineColumn, ...]
    bucket: timedelta
    max_total: int

    @property
    def width(self) -> int:
        return len(self.columns) * 10

    @property
    def bucket_label(self) -> str:
        hours = int(self.bucket.total_seconds() // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"


def parse_side(value: str | None) -> str:
    return value if value in SIDE_FILTERS else SIDE_ALL


def parse_sort(value: str | None) -> str:
    return value if value in SORTS else SORT_NEWEST


def parse_page(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return max(number, 1)


def bias_chip_class(bias: str) -> str:
    side = BIAS_SIDES.get(bias)
    return f"chip chip-{side.value if side else UNRATED}"


def side_of(bias: str) -> str:
    side = BIAS_SIDES.get(bias)
    return side.value if side else UNRATED


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text`` cut at a word, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,.;:") + "…"


def relative_time(when: datetime | None, now: datetime) -> str:
    """ "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago" or a date."""
    if when is None:
        return ""
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return f"{when.day} {when:%b %Y}"


# Words of a search query that count: at most this many, two letters or more.
MAX_QUERY_WORDS = 8


def query_word_pattern(query: str) -> re.Pattern[str] | None:
    """The words a search for ``query`` matches in text a reader sees (None: no usable word).

    Full-text search finds "rancher" for "ranchers", so a word matches from its prefix with a
    trailing "s" dropped.
    """
    words = [word.rstrip("sS") for word in re.findall(r"\w{2,}", query or "")]
    words = [word for word in words if len(word) >= 2][:MAX_QUERY_WORDS]
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\w*", re.IGNORECASE)


def single_outlet(rows: Sequence[ArticleRow]) -> ArticleRow | None:
    """The first article when every article of a story comes from one outlet, else None.

    One outlet's articles (an op-ed pair, a digest beside its own reports, a running series)
    are that outlet's coverage, not a comparison of sources: the page says so instead of
    showing a one-bar "distribution".
    """
    if not rows or len({row.source_slug for row in rows}) != 1:
        return None
    return rows[0]


def select_side(rows: Iterable[ArticleRow], side: str) -> list[ArticleRow]:
    if side == SIDE_ALL:
        return list(rows)
    return [row for row in rows if row.side == side]


def _newest_key(row: ArticleRow) -> tuple[bool, float, int]:
    stamp = row.published_at.timestamp() if row.published_at else 0.0
    return (row.published_at is None, -stamp, -row.id)


def sort_rows(rows: Iterable[ArticleRow], sort: str) -> list[ArticleRow]:
    """Newest first; or by bias from Far Left to Far Right (Unrated last), newest within."""
    rows = sorted(rows, key=_newest_key)
    if sort == SORT_BIAS:
        rows.sort(key=lambda row: (row.bias not in BIAS_VALUES, BIAS_VALUES.get(row.bias, 0)))
    return rows


def group_wire_copies(rows: Sequence[ArticleRow]) -> list[ArticleEntry]:
    """Collapse wire copies under their origin, keeping the order of ``rows``.

    A copy whose origin is not among ``rows`` (another story, or filtered out by a tab)
    stands on its own.
    """
    present = {row.id for row in rows}
    copies: dict[int, list[ArticleRow]] = {}
    for row in rows:
        if row.wire_origin_id in present and row.wire_origin_id != row.id:
            copies.setdefault(row.wire_origin_id, []).append(row)
    return [
        ArticleEntry(article=row, copies=tuple(copies.get(row.id, ())))
        for row in rows
        if not (row.wire_origin_id in present and row.wire_origin_id != row.id)
    ]


def side_tabs(sources_by_side: Mapping[str, int], active: str) -> list[Tab]:
    """All / Left / Center / Right / Unrated tabs over the article list.

    Each tab counts **sources** (outlets), like the coverage box and the bias table beside it,
    so "Left 2" on a tab and "Leaning left 2" in the box are the same two outlets; the list
    under a tab holds all their articles.
    """
    keys = (*SIDE_ORDER, UNRATED)
    labels = {**SIDE_LABELS, UNRATED: "Unrated"}
    tabs = [
        Tab(
            key=SIDE_ALL,
            label="All",
            count=sum(sources_by_side.get(key, 0) for key in keys),
            active=active == SIDE_ALL,
        )
    ]
    tabs += [
        Tab(key=key, label=labels[key], count=sources_by_side.get(key, 0), active=active == key)
        for key in keys
    ]
    return tabs


def bar_segments(left: int, center: int, right: int) -> list[BarSegment]:
    """The three segments of a stacked Left/Center/Right bar (shares add up to 100)."""
    counts = (left, center, right)
    shares = largest_remainder_percentages(counts)
    segments, offset = [], 0
    for side, count, share in zip(SIDE_ORDER, counts, shares, strict=True):
        segments.append(BarSegment(side, SIDE_LABELS[side], count, share, offset))
        offset += share
    return segments


def chart_payload(figures: Mapping[str, Any]) -> dict[str, Any]:
    """What the bias chart script needs, from ``Story.figures`` (sides with their 7 points)."""
    sides = figures.get("sides") or {}
    points = figures.get("points") or {}
    return {
        "sentence": figures.get("sentence", ""),
        "sides": [
            {
                "key": side,
                "label": SIDE_LABELS[side],
                "count": (sides.get(side) or {}).get("count", 0),
                "share": (sides.get(side) or {}).get("share", 0),
                "points": [
                    {
                        "label": POINT_LABELS[point],
                        "count": (points.get(point) or {}).get("count", 0),
                        "share": (points.get(point) or {}).get("share", 0),
                    }
                    for point in POINT_ORDER
                    if side_of(point) == side
                ],
            }
            for side in SIDE_ORDER
        ],
    }


@dataclass(frozen=True)
class BlindspotNote:
    """Why a story is, or is not, a blindspot although few outlets of one side cover it."""

    side: str
    flagged: bool
    reason: str
    period_start: datetime | None
    period_end: datetime | None

    @property
    def side_label(self) -> str:
        return SIDE_LABELS.get(self.side, "")


def _datetime(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def blindspot_note(figures: Mapping[str, Any]) -> BlindspotNote | None:
    """The blindspot check stored in ``Story.figures`` (schema 2), if the story had one."""
    check = figures.get("blindspot_check")
    if not isinstance(check, Mapping) or check.get("side") not in SIDE_LABELS:
        return None
    return BlindspotNote(
        side=check["side"],
        flagged=bool(check.get("flagged")),
        reason=str(figures.get("blindspot_reason", "")),
        period_start=_datetime(check.get("period_start")),
        period_end=_datetime(check.get("period_end")),
    )


def point_rows(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The 7-point breakdown as table rows (label, side, count, share)."""
    points = figures.get("points") or {}
    return [
        {
            "label": POINT_LABELS[point],
            "side": side_of(point),
            "count": (points.get(point) or {}).get("count", 0),
            "share": (points.get(point) or {}).get("share", 0),
        }
        for point in POINT_ORDER
    ]


def timeline(rows: Iterable[ArticleRow], max_buckets: int = TIMELINE_MAX_BUCKETS) -> Timeline:
    """Articles over time by side, in at most ``max_buckets`` equal columns."""
    dated = sorted(
        ((row.published_at, row) for row in rows if row.published_at),
        key=lambda pair: pair[0],
    )
    if not dated:
        return Timeline(columns=(), bucket=timedelta(hours=1), max_total=0)
    first, last = dated[0][0], dated[-1][0]
    span = last - first
    bucket = max(timedelta(hours=1), span / max_buckets)
    # Round the bucket up to whole hours so the labels stay readable.
    bucket = timedelta(hours=-(-bucket.total_seconds() // 3600))
    count = min(max_buckets, int(span / bucket) + 1)
    buckets: list[dict[str, int]] = [
        {side: 0 for side in (*SIDE_ORDER, UNRATED)} for _ in range(count)
    ]
    for published_at, row in dated:
        index = min(int((published_at - first) / bucket), count - 1)
        buckets[index][row.side] += 1
    max_total = max(sum(b.values()) for b in buckets)
    columns = []
    for index, counts in enumerate(buckets):
        total = sum(counts.values())
        rects, y = [], 100.0
        for side in (*SIDE_ORDER, UNRATED):
            if counts[side]:
                height = 100.0 * counts[side] / max_total
                y -= height
                rects.append((side, round(y, 2), round(height, 2)))
        columns.append(
            TimelineColumn(
                start=first + index * bucket,
                counts=counts,
                total=total,
                rects=tuple(rects),
                x=index * 10 + 1,
            )
        )
    return Timeline(columns=tuple(columns), bucket=bucket, max_total=max_total)


def first_reporters(rows: Iterable[ArticleRow], count: int = FIRST_REPORTERS) -> list[ArticleRow]:
    """The earliest articles of distinct outlets: who reported first."""
    seen: set[str] = set()
    earliest = []
    for row in sorted((r for r in rows if r.published_at), key=lambda r: (r.published_at, r.id)):
        if row.source_slug not in seen:
            seen.add(row.source_slug)
            earliest.append(row)
        if len(earliest) == count:
            break
    return earliest


def rank_score(source_count: int, last_updated_at: datetime, now: datetime) -> float:
    """Home ranking: more sources rank higher, older stories sink."""
    age_hours = max((now - last_updated_at).total_seconds() / 3600, 0.0)
    return source_count / (age_hours + RANK_AGE_OFFSET_HOURS) ** RANK_GRAVITY


NO_FACTUALITY_SENTENCE = "No source with a factuality rating yet"


def factuality_sentence(counts: Mapping[str, int]) -> str:
    """ "60% of the rated sources have High factuality": the largest rated level (ties go to
    the higher level), its share over sources with a factuality rating. Premium only."""
    rated = {
        label.value: counts.get(label.value, 0)
        for label in FactualityLabel
        if label != FactualityLabel.UNRATED
    }
    total = sum(rated.values())
    if not total:
        return NO_FACTUALITY_SENTENCE
    level = max(rated, key=lambda value: rated[value])  # first of the highest counts
    share = round(100 * rated[level] / total)
    return f"{share}% of the rated sources have {FACTUALITY_LABELS[level]} factuality"


def paragraphs(text: str) -> list[str]:
    """Stored plain text as its non-empty paragraphs (extraction keeps one per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def web_url(url: str | None) -> str:
    """``url`` if it is an absolute http(s) address (:func:`sources.domains.is_web_url`), else "".

    Feed data decides these links, and escaping alone does not make a ``javascript:`` href safe.
    """
    return url if url and is_web_url(url) else ""


# Who the raters are and on what terms we show their ratings.
RATER_CREDITS: dict[str, dict[str, str]] = {
    Rater.ALLSIDES: {
        "name": "AllSides",
        "url": "https://www.allsides.com/media-bias/ratings",
        "licence": "AllSides Media Bias Ratings™ by AllSides.com, licensed under CC BY-NC 4.0",
    },
    Rater.MBFC: {
        "name": "Media Bias/Fact Check",
        "url": "https://mediabiasfactcheck.com/",
        "licence": "© Media Bias/Fact Check (MBFC); shown with credit and a link to each rating",
    },
    Rater.AD_FONTES: {
        "name": "Ad Fontes Media",
        "url": "https://adfontesmedia.com/",
        "licence": "© Ad Fontes Media, Inc.; shown with credit and a link to each rating",
    },
    Rater.EDITOR: {
        "name": "Newsdesk editors",
        "url": "",
        "licence": "Our editors' own assessment, with the reason recorded in the history",
    },
    Rater.DEMO: {
        "name": "Demo Media Watch (fictional)",
        "url": "",
        "licence": "An invented rater of the demo corpus: its ratings of the invented outlets "
        "are as made up as the outlets",
    },
}


@dataclass(frozen=True)
class MappingTable:
    rater: str
    rows: tuple[dict[str, Any], ...]


def mapping_tables(mapping: Iterable[Any]) -> list[MappingTable]:
    """``sources.ratings.MAPPING`` rows grouped by rater, labels spelled out for readers."""
    labels = {**POINT_LABELS, **FACTUALITY_LABELS}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in mapping:
        name = RATER_CREDITS.get(row.rater, {}).get("name", row.rater)
        grouped.setdefault(name, []).append(
            {
                "scale": row.scale,
                # Editors (and the demo's fictional rater) publish our own labels, spelled out
                # like the rest ("Far Left"); a rater's value is shown as the rater publishes it.
                "published": labels.get(row.published, row.published)
                if row.rater in OWN_LABEL_RATERS
                else row.published,
                "label": labels.get(row.label, row.label) if row.label else NOT_A_RATING,
                "value": row.value,
                "note": row.note,
            }
        )
    return [MappingTable(rater, tuple(rows)) for rater, rows in grouped.items()]


def published_labels(rater: str, bias_label: str, factuality_label: str) -> tuple[str, str]:
    """A rating's (bias, factuality) labels as a source page shows them: a rater's words as
    it published them; our own labels (editors, the demo's rater) spelled out ("Lean Left")."""
    if rater not in OWN_LABEL_RATERS:
        return bias_label, factuality_label
    return (
        POINT_LABELS.get(bias_label, bias_label),
        FACTUALITY_LABELS.get(factuality_label, factuality_label),
    )


def history_field_label(field: str) -> str:
    """What a source history line is about: "rating:allsides" → "AllSides rating"."""
    if field.startswith("rating:"):
        code = field.removeprefix("rating:")
        return f"{RATER_CREDITS.get(code, {}).get('name', code)} rating"
    return {"combined": "Combined rating", "ownership": "Ownership"}.get(field, field)


def rater_names(rated_by: str) -> str:
    """ "allsides,mbfc" → "AllSides, Media Bias/Fact Check"."""
    codes = [code.strip() for code in rated_by.split(",") if code.strip()]
    return ", ".join(RATER_CREDITS.get(code, {}).get("name", code) for code in codes)


@dataclass(frozen=True)
class SideDay:
    """One day of a topic's coverage: sources per side summed over the stories first seen then."""

    day: date
    left: int
    center: int
    right: int

    @property
    def total(self) -> int:
        return self.left + self.center + self.right


# A topic's coverage chart spans at most this many days (the most recent with stories).
TOPIC_CHART_MAX_DAYS = 30


def coverage_by_day(
    stories: Iterable[tuple[datetime, int, int, int]], max_days: int = TOPIC_CHART_MAX_DAYS
) -> list[SideDay]:
    """(first seen, left, center, right) per story → one row per day, oldest first.

    Days run from the first to the last day with a story (empty days in between shown as
    zeros, so the chart's time axis is even), at most the ``max_days`` latest.
    """
    totals: dict[date, list[int]] = {}
    for seen, left, center, right in stories:
        counts = totals.setdefault(seen.date(), [0, 0, 0])
        counts[0] += left
        counts[1] += center
        counts[2] += right
    if not totals:
        return []
    last = max(totals)
    first = max(min(totals), last - timedelta(days=max_days - 1))
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return [SideDay(day, *totals.get(day, [0, 0, 0])) for day in days]


def coverage_chart_payload(days: Sequence[SideDay]) -> dict[str, Any]:
    """What the topic page's Chart.js script reads (through ``json_script``)."""
    return {
        "labels": [f"{day.day:%d %b}" for day in days],
        "sides": [
            {"key": side, "label": SIDE_LABELS[side], "counts": [getattr(d, side) for d in days]}
            for side in SIDE_ORDER
        ],
    }


# Home sections: each shows its best-ranked stories, and only when it has enough to fill it.
HOME_SECTION_STORIES = 4
HOME_SECTION_MIN_STORIES = 2


@dataclass(frozen=True)
class HomeSection:
    slug: str
    name: str
    stories: tuple[Any, ...]


def home_sections(
    ranked: Sequence[Any],
    *,
    per_section: int = HOME_SECTION_STORIES,
    min_stories: int = HOME_SECTION_MIN_STORIES,
) -> list[HomeSection]:
    """The home page's sections from its ranked stories' topic links (``Story.topic_links``):
    each section in the order of its best story, with its first ``per_section`` stories.

    A story filed in two sections is shown once, in the first of them (its strongest: links
    are stored strongest first) that still has room: the same card in two neighbouring
    sections tells the reader nothing new and pushes another story out."""
    found: dict[str, tuple[str, list[Any]]] = {}
    for story in ranked:
        for link in getattr(story, "topic_links", None) or []:
            if link.get("kind") != "section":
                continue
            entry = found.setdefault(link["slug"], (link["name"], []))
            if len(entry[1]) < per_section:
                entry[1].append(story)
                break
    return [
        HomeSection(slug, name, tuple(stories))
        for slug, (name, stories) in found.items()
        if len(stories) >= min_stories
    ]
