"""Reads for reader pages, the JSON API and feeds.

Selectors own ``select_related`` / ``only`` so each page runs a fixed number of queries
whatever the number of articles; they hand plain values (``stories.reader``) to templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.urls import reverse

from sources.domains import is_reserved_example_host
from sources.models import Source
from sources.scales import FactualityLabel, OwnershipCategory
from stories import coverage, editions, reader
from stories.models import (
    Article,
    ArticleStatus,
    BlindspotSide,
    RelatedStory,
    Story,
    StoryTopic,
    Topic,
    TopicKind,
)

# Home ranks the most recently updated stories; older ones are reachable through search.
FRONT_PAGE_CANDIDATES = 300
FRONT_PAGE_PER_PAGE = 20
BLINDSPOT_LIMIT = 40
SOURCE_RECENT_STORIES = 15
STORY_CARD_FIELDS = (
    "id",
    "slug",
    "headline",
    "article_count",
    "source_count",
    "origin_count",
    "left_count",
    "center_count",
    "right_count",
    "unrated_count",
    "blindspot",
    "first_seen_at",
    "last_updated_at",
    "version",
    "image",
)
ARTICLE_ROW_FIELDS = (
    "id",
    "title",
    "url",
    "feed_summary",
    "description",
    "published_at",
    "created_at",
    "wire_origin_id",
    "status",
    "image",
    "source__name",
    "source__slug",
    "source__bias",
    "source__factuality",
    "source__favicon",
)


def _live_stories() -> QuerySet[Story]:
    return Story.objects.filter(merged_into=None)


@dataclass(frozen=True)
class StoryHead:
    """What decides whether a cached story page is still current."""

    id: int
    version: int
    last_updated_at: datetime


@dataclass(frozen=True)
class FrontPageSignature:
    """Changes whenever a candidate story of the front page changes version or joins/leaves."""

    story_count: int
    version_sum: int
    id_sum: int
    last_updated_at: datetime | None


# The two checks below run on every page view, cached or not. They are plain SQL because
# compiling the equivalent ORM query costs more (1-2 ms) than serving the cached page itself
# (measured by bench/pages.py). Only model metadata is formatted in; values are parameters.
_STORY_TABLE = Story._meta.db_table
_STORY_HEAD_SQL = (
    f"SELECT id, version, last_updated_at FROM {_STORY_TABLE} "  # noqa: S608
    "WHERE slug = %s AND merged_into_id IS NULL"
)
_FRONT_PAGE_SIGNATURE_SQL = (
    "SELECT COUNT(*), COALESCE(SUM(version), 0), COALESCE(SUM(id), 0), MAX(last_updated_at) "  # noqa: S608
    f"FROM (SELECT id, version, last_updated_at FROM {_STORY_TABLE} "
    "WHERE merged_into_id IS NULL ORDER BY last_updated_at DESC LIMIT %s) AS candidates"
)


def story_head(*, slug: str) -> StoryHead | None:
    """Id, version and last update of the live story at ``slug`` (one cheap query)."""
    with connection.cursor() as cursor:
        cursor.execute(_STORY_HEAD_SQL, [slug])
        row = cursor.fetchone()
    updated = _aware(row[2]) if row is not None else None
    if row is None or updated is None:  # no such live story (the column is never null)
        return None
    return StoryHead(id=row[0], version=row[1], last_updated_at=updated)


def front_page_signature() -> FrontPageSignature:
    """A summary of the front page candidates (one cheap query over an index)."""
    with connection.cursor() as cursor:
        cursor.execute(_FRONT_PAGE_SIGNATURE_SQL, [FRONT_PAGE_CANDIDATES])
        count, versions, ids, last = cursor.fetchone()
    return FrontPageSignature(int(count), int(versions), int(ids), _aware(last))


def _aware(value: datetime | str | None) -> datetime | None:
    """PostgreSQL gives aware datetimes; SQLite gives naive UTC ones, or text for MAX()."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def story_merged_into_slug(*, slug: str) -> str | None:
    """The slug of the story that absorbed the merged story at ``slug``, if any."""
    return (
        Story.objects.filter(slug=slug)
        .exclude(merged_into=None)
        .values_list("merged_into__slug", flat=True)
        .first()
    )


def story_get_for_reader(*, slug: str) -> Story | None:
    """The story at ``slug`` with everything its page shows except articles (one query)."""
    return _live_stories().defer("cluster_state").filter(slug=slug).first()


def article_get_for_reader_view(*, article_id: int) -> Article | None:
    """An article of a fictional ``.example`` outlet, with its source and story (one query).

    Only those: their pages are not on the web, so the site shows the text it stored. A real
    outlet's article is read on the outlet's own site.
    """
    article = (
        Article.objects.select_related("source", "story")
        .only(
            "id",
            "url",
            "canonical_url",
            "title",
            "text",
            "feed_summary",
            "author",
            "status",
            "published_at",
            "source__name",
            "source__slug",
            "story__slug",
            "story__headline",
        )
        .filter(id=article_id)
        .first()
    )
    if article is None or not is_reserved_example_host(article.canonical_url):
        return None
    return article


def _article_row(values: dict[str, Any]) -> reader.ArticleRow:
    return reader.ArticleRow(
        id=values["id"],
        title=values["title"],
        url=values["url"],
        excerpt=reader.excerpt(values["description"] or values["feed_summary"]),
        published_at=values["published_at"] or values["created_at"],
        source_name=values["source__name"],
        source_slug=values["source__slug"],
        bias=values["source__bias"],
        wire_origin_id=values["wire_origin_id"],
        factuality=values["source__factuality"],
        feed_only=values["status"] == ArticleStatus.FEED_ONLY,
        image=values["image"],
        source_favicon=values["source__favicon"],
    )


def story_article_rows(*, story_id: int) -> list[reader.ArticleRow]:
    """All articles of a story as plain rows, newest first (one query, no article text)."""
    rows = (
        Article.objects.filter(story_id=story_id)
        .order_by("-published_at", "-id")
        .values(*ARTICLE_ROW_FIELDS)
    )
    return [_article_row(values) for values in rows]


@dataclass(frozen=True)
class StoryPage:
    """Everything the story page body shows, computed once per story version."""

    story: Story
    side: str
    sort: str
    premium: bool
    now: datetime
    entries: list[reader.ArticleEntry]
    tabs: list[reader.Tab]
    chart: dict[str, Any]
    points: list[dict[str, Any]]
    timeline: reader.Timeline
    first_reporters: list[reader.ArticleRow]
    side_headlines: list[dict[str, Any]]
    factuality: list[dict[str, Any]] = field(default_factory=list)
    factuality_sentence: str = ""
    ownership: list[dict[str, Any]] = field(default_factory=list)
    blindspot_check: reader.BlindspotNote | None = None
    # Set when one outlet wrote every article: the page then shows no distribution.
    single_outlet: reader.ArticleRow | None = None
    # Recent stories sharing its topics (people, organisations, places; else its sections).
    similar: list[Story] = field(default_factory=list)


def _side_headlines(story: Story) -> list[dict[str, Any]]:
    """``story.side_headlines`` in Left/Center/Right order, tolerant of str or dict values."""
    found = []
    for side in reader.SIDE_ORDER:
        value = (story.side_headlines or {}).get(side)
        if not value:
            continue
        info = value if isinstance(value, dict) else {"headline": str(value)}
        found.append({"side": side, "label": reader.SIDE_LABELS[side], **info})
    return found


def _labelled_counts(counts: dict[str, int], choices: Any) -> list[dict[str, Any]]:
    return [
        {"key": choice.value, "label": choice.label, "count": counts.get(choice.value, 0)}
        for choice in choices
        if counts.get(choice.value, 0)
    ]


def _sources_by_side(story: Story) -> dict[str, int]:
    """Sources per side from the story's columns: the numbers the coverage box shows."""
    return {
        "left": story.left_count,
        "center": story.center_count,
        "right": story.right_count,
        reader.UNRATED: story.unrated_count,
    }


def story_page(*, story: Story, side: str, sort: str, premium: bool, now: datetime) -> StoryPage:
    """The story page body: one query for the articles, one for similar stories; the rest
    from ``story.figures`` and ``story.topic_links``."""
    rows = story_article_rows(story_id=story.pk)
    figures = story.figures or {}
    shown = reader.sort_rows(reader.select_side(rows, side), sort)
    return StoryPage(
        story=story,
        side=side,
        sort=sort,
        premium=premium,
        now=now,
        entries=reader.group_wire_copies(shown),
        tabs=reader.side_tabs(_sources_by_side(story), side),
        chart=reader.chart_payload(figures),
        points=reader.point_rows(figures),
        timeline=reader.timeline(rows),
        first_reporters=reader.first_reporters(rows),
        side_headlines=_side_headlines(story),
        blindspot_check=reader.blindspot_note(figures),
        single_outlet=reader.single_outlet(rows),
        similar=similar_stories(story=story),
        # Gated figures never leave this function for a free reader.
        factuality=_labelled_counts(figures.get("factuality") or {}, FactualityLabel)
        if premium
        else [],
        factuality_sentence=reader.factuality_sentence(figures.get("factuality") or {})
        if premium
        else "",
        ownership=_labelled_counts(figures.get("ownership") or {}, OwnershipCategory)
        if premium
        else [],
    )


def story_list_front_page(*, now: datetime, page: int) -> Page:
    """Stories ranked by coverage and recency (one query, plus a count-free paginator).

    The summaries come along for the lead story's bullets: which story leads is known only
    after ranking, and reading them with the candidates costs less than a second query.
    """
    candidates = list(
        _live_stories()
        # The topic links make the home sections; the summary, the lead story's bullets.
        .only(*STORY_CARD_FIELDS, "topic_links", "summary")
        .order_by("-last_updated_at")[:FRONT_PAGE_CANDIDATES]
    )
    candidates.sort(
        key=lambda s: reader.rank_score(s.source_count, s.last_updated_at, now), reverse=True
    )
    return Paginator(candidates, FRONT_PAGE_PER_PAGE).get_page(page)


def story_list_blindspots(*, side: str) -> list[Story]:
    """Latest stories with a ``side`` blindspot ("left" or "right")."""
    return list(
        _live_stories()
        .filter(blindspot=side)
        .only(*STORY_CARD_FIELDS)
        .order_by("-last_updated_at")[:BLINDSPOT_LIMIT]
    )


def story_list_latest(*, blindspot_only: bool = False, limit: int = 30) -> list[Story]:
    """Latest stories; blindspots come with their figures (each item gives its reason)."""
    stories = _live_stories().only(*STORY_CARD_FIELDS, "summary")
    if blindspot_only:
        stories = stories.exclude(blindspot=BlindspotSide.NONE).only(
            *STORY_CARD_FIELDS, "summary", "figures"
        )
    return list(stories.order_by("-last_updated_at")[:limit])


def story_list_for_api() -> QuerySet[Story]:
    return _live_stories().only(*STORY_CARD_FIELDS, "summary").order_by("-last_updated_at")


def source_list_for_api(*, bias: str = "", country: str = "") -> QuerySet[Source]:
    sources = Source.objects.filter(is_active=True)
    if bias:
        sources = sources.filter(bias=bias)
    if country:
        sources = sources.filter(country=country.upper())
    return sources.order_by("name")


def source_list_directory(*, bias: str = "", country: str = "") -> list[Source]:
    sources = Source.objects.filter(is_active=True).only(
        "id", "name", "slug", "domain", "country", "bias", "favicon"
    )
    if bias:
        sources = sources.filter(bias=bias)
    if country:
        sources = sources.filter(country=country.upper())
    return list(sources.order_by("name"))


def source_countries() -> list[str]:
    return list(
        Source.objects.filter(is_active=True)
        .exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def source_get_for_reader(*, slug: str) -> Source | None:
    """A source with its ratings and change history (three queries)."""
    return Source.objects.prefetch_related("ratings", "changes").filter(slug=slug).first()


def source_recent_stories(*, source_id: int, limit: int = SOURCE_RECENT_STORIES) -> list[Story]:
    """Latest stories an outlet covers (one query)."""
    return list(
        _live_stories()
        .filter(articles__source_id=source_id)
        .only(*STORY_CARD_FIELDS, "summary")
        .distinct()
        .order_by("-last_updated_at")[:limit]
    )


def side_articles_published(*, side: str, start: datetime, end: datetime) -> int:
    """Articles that reached us through a feed from ``side``'s outlets, published between
    ``start`` and ``end`` (inclusive): whether that side was being read in a story's period.

    One aggregate query, a range scan of the ``published_at`` index; the
    sources are joined by primary key and filtered on their bias. Every status counts (an
    article waiting for its page was published all the same), so the answer depends only on
    the rows and the period, never on when it is asked.
    """
    return Article.objects.filter(
        feed__isnull=False,
        published_at__gte=start,
        published_at__lte=end,
        source__bias__in=coverage.SIDE_POINTS[side],
    ).count()


def story_ids_for_source(*, source_id: int) -> list[int]:
    return sorted(
        set(
            Article.objects.filter(
                source_id=source_id, story__isnull=False, story__merged_into__isnull=True
            ).values_list("story_id", flat=True)
        )
    )


# Topic pages list this many stories; the coverage chart reads up to TOPIC_FIGURE_STORIES
# (the same query), so a busy topic's chart covers its last weeks, not its whole history.
TOPIC_PAGE_STORIES = 30
TOPIC_FIGURE_STORIES = 300
TOPIC_TOP_OUTLETS = 10


@dataclass(frozen=True)
class TopicHead:
    """A topic and a summary of its live stories: what decides whether its cached page is
    current (any story refresh changes the version sum)."""

    id: int
    slug: str
    kind: str
    label: str
    hidden: bool
    merged_into_id: int | None
    story_count: int
    version_sum: int
    id_sum: int
    last_updated_at: datetime | None

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", kwargs={"slug": self.slug})


_TOPIC_TABLE = Topic._meta.db_table
_STORY_TOPIC_TABLE = StoryTopic._meta.db_table
# Plain SQL for the reason given above the story head's: it runs on every topic page view.
_TOPIC_HEAD_SQL = (
    "SELECT t.id, t.slug, t.kind, t.name, t.display_name, t.hidden, t.merged_into_id, "  # noqa: S608
    "COUNT(s.id), COALESCE(SUM(s.version), 0), COALESCE(SUM(s.id), 0), MAX(s.last_updated_at) "
    f"FROM {_TOPIC_TABLE} t LEFT JOIN {_STORY_TOPIC_TABLE} st ON st.topic_id = t.id "
    f"LEFT JOIN {_STORY_TABLE} s ON s.id = st.story_id AND s.merged_into_id IS NULL "
    "WHERE t.slug = %s "
    "GROUP BY t.id, t.slug, t.kind, t.name, t.display_name, t.hidden, t.merged_into_id"
)


def topic_head(*, slug: str) -> TopicHead | None:
    """The topic at ``slug`` with a signature of its stories (one query), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_TOPIC_HEAD_SQL, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    return TopicHead(
        id=row[0],
        slug=row[1],
        kind=row[2],
        label=row[4] or row[3],
        hidden=bool(row[5]),
        merged_into_id=row[6],
        story_count=int(row[7]),
        version_sum=int(row[8]),
        id_sum=int(row[9]),
        last_updated_at=_aware(row[10]),
    )


def topic_slug_of(*, topic_id: int) -> str | None:
    return Topic.objects.filter(pk=topic_id).values_list("slug", flat=True).first()


@dataclass(frozen=True)
class OutletCoverage:
    name: str
    slug: str
    bias: str
    story_count: int

    @property
    def chip_class(self) -> str:
        return reader.bias_chip_class(self.bias)

    @property
    def bias_label(self) -> str:
        return reader.POINT_LABELS.get(self.bias, reader.POINT_LABELS[reader.UNRATED])


@dataclass(frozen=True)
class TopicPage:
    """The topic page body: its latest stories, coverage by side per day, top outlets."""

    stories: list[Story]
    days: list[reader.SideDay]
    chart: dict[str, Any]
    outlets: list[OutletCoverage]


def topic_stories(*, topic_id: int, limit: int = TOPIC_PAGE_STORIES) -> list[Story]:
    """The topic's live stories, most recently updated first (one query)."""
    return list(
        _live_stories()
        .filter(topic_rows__topic_id=topic_id)
        .only(*STORY_CARD_FIELDS, "summary")
        .order_by("-last_updated_at")[:limit]
    )


def topic_top_outlets(*, topic_id: int, limit: int = TOPIC_TOP_OUTLETS) -> list[OutletCoverage]:
    """The outlets covering most of the topic's stories (one aggregate query)."""
    rows = (
        Article.objects.filter(story__topic_rows__topic_id=topic_id, story__merged_into=None)
        .values("source__name", "source__slug", "source__bias")
        .annotate(stories=Count("story_id", distinct=True))
        .order_by("-stories", "source__name")[:limit]
    )
    return [
        OutletCoverage(r["source__name"], r["source__slug"], r["source__bias"], r["stories"])
        for r in rows
    ]


def topic_page(*, topic_id: int) -> TopicPage:
    """Everything the topic page body shows (two queries)."""
    stories = topic_stories(topic_id=topic_id, limit=TOPIC_FIGURE_STORIES)
    days = reader.coverage_by_day(
        (s.first_seen_at, s.left_count, s.center_count, s.right_count) for s in stories
    )
    return TopicPage(
        stories=stories[:TOPIC_PAGE_STORIES],
        days=days,
        chart=reader.coverage_chart_payload(days),
        outlets=topic_top_outlets(topic_id=topic_id),
    )


def topic_get_live(*, slug: str) -> Topic | None:
    """The visible, unmerged topic at ``slug`` (one query)."""
    return Topic.objects.filter(slug=slug, hidden=False, merged_into=None).first()


def topic_stories_for_api(*, topic_id: int) -> QuerySet[Story]:
    return (
        _live_stories()
        .filter(topic_rows__topic_id=topic_id)
        .only(*STORY_CARD_FIELDS, "summary")
        .order_by("-last_updated_at")
    )


SIMILAR_STORIES = 5
# Topics two stories must share to be similar, unless they share a person or organisation
# (or all of the story's topics): a country alone ("United States") is shared too widely.
SIMILAR_MIN_SHARED_TOPICS = 2
# "Similar" stories are of the story's own time: updated at most this many days before or after
# it was. A reader of last spring's India-Pakistan standoff is looking for that week's other
# reports on it, not for this week's India stories.
SIMILAR_WINDOW_DAYS = 7


def similar_stories(*, story: Story, limit: int = SIMILAR_STORIES) -> list[Story]:
    """Live stories of ``story``'s time that are related to it (``RelatedStory``, either way
    round: they read nearly as one event's articles do), then those sharing the most topics
    with it; one query. Sections are shared too widely to make stories similar unless it has
    nothing else.
    """
    links = story.topic_links or []
    slugs = [link["slug"] for link in links if link.get("kind") != "section"] or [
        link["slug"] for link in links
    ]
    related = Q(pk__in=RelatedStory.objects.filter(story=story).values("other_id")) | Q(
        pk__in=RelatedStory.objects.filter(other=story).values("story_id")
    )
    stories = (
        _live_stories()
        .exclude(pk=story.pk)
        .filter(
            last_updated_at__range=(
                story.last_updated_at - timedelta(days=SIMILAR_WINDOW_DAYS),
                story.last_updated_at + timedelta(days=SIMILAR_WINDOW_DAYS),
            ),
        )
        .only(*STORY_CARD_FIELDS)
    )
    if not slugs:
        return list(stories.filter(related).order_by("-last_updated_at")[:limit])
    shared = Count("topic_rows", filter=Q(topic_rows__topic__slug__in=slugs))
    named = Count(
        "topic_rows",
        filter=Q(
            topic_rows__topic__slug__in=slugs,
            topic_rows__topic__kind__in=[TopicKind.PERSON, TopicKind.ORGANISATION],
        ),
    )
    return list(
        stories.filter(
            related | Q(pk__in=StoryTopic.objects.filter(topic__slug__in=slugs).values("story_id"))
        )
        .annotate(shared=shared, named=named, is_related=ExpressionWrapper(related, BooleanField()))
        # One shared country or section alone makes nothing similar; a shared person does.
        .filter(
            Q(is_related=True)
            | Q(named__gte=1)
            | Q(shared__gte=SIMILAR_MIN_SHARED_TOPICS)
            | Q(shared=len(slugs))
        )
        .order_by("-is_related", "-named", "-shared", "-last_updated_at")[:limit]
    )


def _edition_stories(edition: editions.Edition) -> QuerySet[Story]:
    """Live stories of ``edition``: covered by one of its outlets or about one of its places."""
    stories = _live_stories()
    if edition.everything:
        return stories
    codes = sorted(edition.country_codes())
    by_outlet = Article.objects.filter(source__country__in=codes).values("story_id")
    by_place = StoryTopic.objects.filter(
        topic__kind=TopicKind.PLACE, topic__country__in=codes
    ).values("story_id")
    return stories.filter(Q(pk__in=by_outlet) | Q(pk__in=by_place))


def story_list_edition(*, edition: editions.Edition, now: datetime, page: int) -> Page:
    """An edition's front page, ranked like the home page (one query)."""
    candidates = list(
        _edition_stories(edition)
        .only(*STORY_CARD_FIELDS)
        .order_by("-last_updated_at")[:FRONT_PAGE_CANDIDATES]
    )
    candidates.sort(
        key=lambda s: reader.rank_score(s.source_count, s.last_updated_at, now), reverse=True
    )
    return Paginator(candidates, FRONT_PAGE_PER_PAGE).get_page(page)


def story_list_edition_latest(*, edition: editions.Edition, limit: int) -> list[Story]:
    """An edition's latest stories, for its feeds (one query)."""
    return list(
        _edition_stories(edition)
        .only(*STORY_CARD_FIELDS, "summary")
        .order_by("-last_updated_at")[:limit]
    )
