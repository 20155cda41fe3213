"""What an issue says: the stories picked for it, as plain data.

Pure module: no ORM, no settings, no clock (``now`` is an argument). Selectors hand it
``StoryItem`` values; it picks and orders them and returns an ``IssueContent``, which is
stored on the issue as JSON (``as_dict`` / ``from_dict``) so the page and every mail of an
edition show the same thing.

* Daily briefing: the top stories of the last day, ranked as the home page ranks them
  (coverage over age, ``stories.reader.rank_score``), each with its headline, two bullets,
  the sources per side, "N original reports" and, for premium readers only, the factuality
  of its sources.
* Blindspot report: the week's blindspots for each side, widest coverage first, each with
  the reason the site gives on the story page.
* "From what you follow", the one per-member part of the daily briefing: the issue keeps the
  rest of the day's ranked stories with the ids of their topics and covering sources
  (``following_pool``), and ``FollowingPool.pick`` chooses each member's few from it with
  that member's follows and mutes (``MemberFollows``), at send time, without the database.

Sections are built per newsletter kind in ``SECTION_BUILDERS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from stories import reader

DAILY_STORIES = 8  # a briefing read over breakfast, not the whole front page
DAILY_WINDOW = timedelta(days=1)
BLINDSPOTS_PER_SIDE = 5
BLINDSPOT_WINDOW = timedelta(days=7)
BULLETS_PER_STORY = 2
# "From what you follow" adds at most this many stories under the top ones: with the top
# eight, a mail still read in one sitting; the For You page it links to holds the rest.
FOLLOWING_STORIES = 5

DAILY = "daily"
BLINDSPOT = "blindspot"


@dataclass(frozen=True)
class StoryItem:
    """A story as an issue shows it (field names match the story cards' bias bar)."""

    slug: str
    headline: str
    bullets: tuple[str, ...]
    source_count: int
    origin_count: int
    left_count: int
    center_count: int
    right_count: int
    unrated_count: int
    last_updated_at: datetime
    blindspot: str = ""
    blindspot_reason: str = ""
    # Premium: sources per factuality level; shown only to premium readers.
    factuality: Mapping[str, int] = field(default_factory=dict)

    @property
    def sides(self) -> list[reader.BarSegment]:
        """Left, Center and Right with their shares, an empty side too (its legend says 0%:
        in a blindspot report the empty side is the news)."""
        return reader.bar_segments(self.left_count, self.center_count, self.right_count)

    @property
    def segments(self) -> list[reader.BarSegment]:
        """The cells of the bar: the sides with a share (an image-free bar in mail)."""
        return [segment for segment in self.sides if segment.share]

    @property
    def factuality_sentence(self) -> str:
        return reader.factuality_sentence(self.factuality)

    @property
    def factuality_breakdown(self) -> str:
        """ "3 High, 1 Mixed": sources per rated level, highest first. Premium only."""
        return ", ".join(
            f"{self.factuality[level]} {label}"
            for level, label in reader.FACTUALITY_LABELS.items()
            if self.factuality.get(level) and level != reader.UNRATED
        )

    @property
    def side_label(self) -> str:
        return reader.SIDE_LABELS.get(self.blindspot, "")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_updated_at"] = self.last_updated_at.isoformat()
        data["bullets"] = list(self.bullets)
        data["factuality"] = dict(self.factuality)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoryItem:
        return cls(
            **{
                **data,
                "bullets": tuple(data.get("bullets") or ()),
                "last_updated_at": datetime.fromisoformat(data["last_updated_at"]),
                "factuality": dict(data.get("factuality") or {}),
            }
        )


@dataclass(frozen=True)
class StoryLinks:
    """What ties a story to readers' follows: its topics and the sources covering it (ids)."""

    topic_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class FollowCandidate:
    """A story of the day outside the top section, with its links, kept on the issue."""

    story: StoryItem
    links: StoryLinks

    def as_dict(self) -> dict[str, Any]:
        return {
            "story": self.story.as_dict(),
            "topic_ids": list(self.links.topic_ids),
            "source_ids": list(self.links.source_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FollowCandidate:
        return cls(
            story=StoryItem.from_dict(data["story"]),
            links=StoryLinks(
                topic_ids=tuple(data.get("topic_ids") or ()),
                source_ids=tuple(data.get("source_ids") or ()),
            ),
        )


@dataclass(frozen=True)
class MemberFollows:
    """One member's followed topics and sources (id → the name shown) and muted sources."""

    topics: Mapping[int, str] = field(default_factory=dict)
    sources: Mapping[int, str] = field(default_factory=dict)
    muted: frozenset[int] = frozenset()

    @property
    def follows_something(self) -> bool:
        return bool(self.topics or self.sources)


NO_FOLLOWS = MemberFollows()


@dataclass(frozen=True)
class FollowedStory:
    story: StoryItem
    # The names of the followed topics, then sources, that brought the story in.
    because: tuple[str, ...]

    @property
    def because_text(self) -> str:
        return ", ".join(self.because)


class FollowingPool:
    """An issue's ``following_pool`` indexed by topic and source, built once per batch, so
    picking a member's stories costs their follows, not the pool's size."""

    def __init__(self, candidates: Sequence[FollowCandidate]) -> None:
        self.candidates = tuple(candidates)
        self._by_topic: dict[int, list[int]] = defaultdict(list)
        self._by_source: dict[int, list[int]] = defaultdict(list)
        for position, candidate in enumerate(self.candidates):
            for topic_id in candidate.links.topic_ids:
                self._by_topic[topic_id].append(position)
            for source_id in candidate.links.source_ids:
                self._by_source[source_id].append(position)

    def pick(
        self, follows: MemberFollows, *, limit: int = FOLLOWING_STORIES
    ) -> tuple[FollowedStory, ...]:
        """The first ``limit`` stories of the pool (it is in the briefing's order) about a
        followed topic or covered by a followed source, each with what brought it in. A story
        every covering source of which the member muted is left out, as on For You."""
        positions: set[int] = set()
        for topic_id in follows.topics:
            positions.update(self._by_topic.get(topic_id, ()))
        for source_id in follows.sources:
            positions.update(self._by_source.get(source_id, ()))
        picked: list[FollowedStory] = []
        for position in sorted(positions):
            candidate = self.candidates[position]
            covering = candidate.links.source_ids
            if covering and all(source_id in follows.muted for source_id in covering):
                continue
            because = tuple(
                follows.topics[topic_id]
                for topic_id in candidate.links.topic_ids
                if topic_id in follows.topics
            ) + tuple(
                follows.sources[source_id]
                for source_id in covering
                if source_id in follows.sources and source_id not in follows.muted
            )
            if not because:  # brought in only by a source the member also muted
                continue
            picked.append(FollowedStory(story=candidate.story, because=because))
            if len(picked) == limit:
                break
        return tuple(picked)


@dataclass(frozen=True)
class IssueContent:
    kind: str
    edition_date: date
    stories: tuple[StoryItem, ...] = ()
    left_blindspots: tuple[StoryItem, ...] = ()
    right_blindspots: tuple[StoryItem, ...] = ()
    # Daily briefing: the day's other stories in rank order, for "From what you follow".
    following_pool: tuple[FollowCandidate, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.stories or self.left_blindspots or self.right_blindspots)

    @property
    def subject(self) -> str:
        day = f"{self.edition_date:%A} {self.edition_date.day} {self.edition_date:%B %Y}"
        if self.kind == BLINDSPOT:
            count = len(self.left_blindspots) + len(self.right_blindspots)
            return f"Blindspot report, {day}: {count} stories one side missed"
        if self.stories:
            return f"Daily briefing, {day}: {self.stories[0].headline}"[:200]
        return f"Daily briefing, {day}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "edition_date": self.edition_date.isoformat(),
            "stories": [story.as_dict() for story in self.stories],
            "left_blindspots": [story.as_dict() for story in self.left_blindspots],
            "right_blindspots": [story.as_dict() for story in self.right_blindspots],
            "following_pool": [candidate.as_dict() for candidate in self.following_pool],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IssueContent:
        def items(key: str) -> tuple[StoryItem, ...]:
            return tuple(StoryItem.from_dict(item) for item in data.get(key) or ())

        return cls(
            kind=data["kind"],
            edition_date=date.fromisoformat(data["edition_date"]),
            stories=items("stories"),
            left_blindspots=items("left_blindspots"),
            right_blindspots=items("right_blindspots"),
            following_pool=tuple(
                FollowCandidate.from_dict(item) for item in data.get("following_pool") or ()
            ),
        )


def daily_briefing(
    candidates: Sequence[StoryItem],
    *,
    edition_date: date,
    now: datetime,
    links: Mapping[str, StoryLinks] | None = None,
) -> IssueContent:
    """The ``DAILY_STORIES`` best ranked stories updated within ``DAILY_WINDOW`` of ``now``;
    the rest of them, in the same order and with their ``links`` (by slug), are the pool each
    member's "From what you follow" is picked from."""
    recent = [story for story in candidates if now - story.last_updated_at <= DAILY_WINDOW]
    recent.sort(
        key=lambda story: (
            reader.rank_score(story.source_count, story.last_updated_at, now),
            story.slug,
        ),
        reverse=True,
    )
    links = links or {}
    return IssueContent(
        kind=DAILY,
        edition_date=edition_date,
        stories=tuple(recent[:DAILY_STORIES]),
        following_pool=tuple(
            FollowCandidate(story=story, links=links.get(story.slug, StoryLinks()))
            for story in recent[DAILY_STORIES:]
        ),
    )


def blindspot_report(
    candidates: Sequence[StoryItem], *, edition_date: date, now: datetime
) -> IssueContent:
    """Each side's blindspots updated within ``BLINDSPOT_WINDOW``, widest coverage first."""

    def side(name: str) -> tuple[StoryItem, ...]:
        found = [
            story
            for story in candidates
            if story.blindspot == name and now - story.last_updated_at <= BLINDSPOT_WINDOW
        ]
        found.sort(key=lambda story: (-story.source_count, story.slug))
        return tuple(found[:BLINDSPOTS_PER_SIDE])

    return IssueContent(
        kind=BLINDSPOT,
        edition_date=edition_date,
        left_blindspots=side("left"),
        right_blindspots=side("right"),
    )


Builder = Callable[..., IssueContent]
# Each newsletter kind's builder, how far back its candidates reach, and whether it needs
# their links (only an issue with a per-member "From what you follow" part does).
SECTION_BUILDERS: dict[str, tuple[Builder, timedelta, bool]] = {
    DAILY: (daily_briefing, DAILY_WINDOW, True),
    BLINDSPOT: (blindspot_report, BLINDSPOT_WINDOW, False),
}
