"""Reads: stories as plain ``content.StoryItem`` values, subscriptions due, issues for pages.

Each function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import User
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from members.models import SourceFollow, SourceMute, TopicFollow
from newsletters.content import MemberFollows, StoryItem, StoryLinks
from newsletters.models import (
    Delivery,
    Issue,
    Newsletter,
    NewsletterKind,
    Subscription,
    SubscriptionStatus,
)
from stories.models import Article, BlindspotSide, Story, StoryTopic
from stories.summarize import bullet_texts

# Candidates read for an issue: the day's or week's most recently updated stories. The home
# page ranks from the same number.
STORY_CANDIDATES = 300
FEED_ISSUES = 30
STORY_ITEM_FIELDS = (
    "slug",
    "headline",
    "summary",
    "source_count",
    "origin_count",
    "left_count",
    "center_count",
    "right_count",
    "unrated_count",
    "last_updated_at",
    "blindspot",
    "figures",
)


def _story_item(values: dict[str, Any]) -> StoryItem:
    figures = values["figures"] or {}
    return StoryItem(
        slug=values["slug"],
        headline=values["headline"],
        bullets=tuple(bullet_texts(values["summary"])[:2]),
        source_count=values["source_count"],
        origin_count=values["origin_count"],
        left_count=values["left_count"],
        center_count=values["center_count"],
        right_count=values["right_count"],
        unrated_count=values["unrated_count"],
        last_updated_at=values["last_updated_at"],
        blindspot=values["blindspot"] or "",
        blindspot_reason=str(figures.get("blindspot_reason") or ""),
        factuality={str(k): int(v) for k, v in (figures.get("factuality") or {}).items()},
    )


def story_items_since(*, since: datetime, blindspots_only: bool = False) -> list[StoryItem]:
    """Live stories updated after ``since``, newest first, as issue items (one query)."""
    stories = Story.objects.filter(merged_into=None, last_updated_at__gte=since)
    if blindspots_only:
        stories = stories.exclude(blindspot=BlindspotSide.NONE)
    rows = stories.order_by("-last_updated_at").values(*STORY_ITEM_FIELDS)[:STORY_CANDIDATES]
    return [_story_item(values) for values in rows]


def story_links(*, slugs: list[str]) -> dict[str, StoryLinks]:
    """Each story's visible topics (strongest first) and covering sources, by slug (one
    query: a UNION, which also makes each source appear once per story)."""
    topics = (
        StoryTopic.objects.filter(story__slug__in=slugs, topic__hidden=False)
        .annotate(kind=Value("topic", output_field=CharField()))
        .values_list("story__slug", "kind", "topic_id", "weight")
        .order_by()
    )
    sources = (
        Article.objects.filter(story__slug__in=slugs)
        .annotate(kind=Value("source", output_field=CharField()))
        # Weight has no meaning for a source; a constant keeps the UNION's columns alike.
        .annotate(weight=Value(0.0))
        .values_list("story__slug", "kind", "source_id", "weight")
        # Parts of a UNION take no ORDER BY on SQLite (an article's default order).
        .order_by()
    )
    rows = sorted(topics.union(sources), key=lambda row: (row[0], row[1], -row[3], row[2]))
    found: dict[str, dict[str, list[int]]] = {}
    for slug, kind, linked_id, _ in rows:
        found.setdefault(slug, {"topic": [], "source": []})[kind].append(linked_id)
    return {
        slug: StoryLinks(topic_ids=tuple(ids["topic"]), source_ids=tuple(ids["source"]))
        for slug, ids in found.items()
    }


def member_follows(*, user_ids: list[int]) -> dict[int, MemberFollows]:
    """The followed topics and sources (with the names shown) and muted sources of each of
    ``user_ids`` who follows or mutes anything (one query, a UNION of the three tables,
    whatever the number of members or follows). A hidden topic is never named to readers,
    so following it brings nothing in."""

    def rows(chosen: QuerySet, kind: str, field: str, label: Any) -> QuerySet:
        return (
            chosen.filter(user_id__in=user_ids)
            .annotate(kind=Value(kind, output_field=CharField()), label=label)
            .values_list("user_id", "kind", field, "label")
            .order_by()  # a UNION's parts take none on SQLite
        )

    topic_label = Coalesce(NullIf("topic__display_name", Value("")), "topic__name")
    choices = rows(
        TopicFollow.objects.filter(topic__hidden=False), "topic", "topic_id", topic_label
    ).union(
        rows(SourceFollow.objects.all(), "source", "source_id", F("source__name")),
        rows(SourceMute.objects.all(), "muted", "source_id", F("source__name")),
        all=True,
    )
    found: dict[int, dict[str, dict[int, str]]] = {}
    for user_id, kind, chosen_id, label in choices:
        found.setdefault(user_id, {"topic": {}, "source": {}, "muted": {}})[kind][chosen_id] = label
    return {
        user_id: MemberFollows(
            topics=kinds["topic"],
            sources=kinds["source"],
            muted=frozenset(kinds["muted"]),
        )
        for user_id, kinds in found.items()
    }


def newsletter_list() -> list[Newsletter]:
    """Daily newsletters first, then the weekly ones."""
    return list(Newsletter.objects.order_by(F("weekday").asc(nulls_first=True), "kind"))


def newsletter_get(*, kind: str) -> Newsletter | None:
    return Newsletter.objects.filter(kind=kind).first()


@dataclass(frozen=True)
class SubscriptionTiming:
    id: int
    send_time: time
    time_zone: str
    confirmed_at: datetime | None


def subscription_timings(*, newsletter_id: int) -> list[SubscriptionTiming]:
    """Active subscriptions whose confirmed address is still their account's (one query)."""
    rows = Subscription.objects.filter(
        newsletter_id=newsletter_id,
        status=SubscriptionStatus.ACTIVE,
        user__is_active=True,
        user__email=F("address"),
    ).values_list("id", "send_time", "time_zone", "confirmed_at")
    return [SubscriptionTiming(*row) for row in rows]


def subscription_ids_with_delivery(*, issue_id: int, subscription_ids: list[int]) -> set[int]:
    return set(
        Delivery.objects.filter(
            issue_id=issue_id, subscription_id__in=subscription_ids
        ).values_list("subscription_id", flat=True)
    )


def subscription_list_for_member(*, user: User) -> dict[str, Subscription]:
    """The member's subscriptions by newsletter kind (one query)."""
    rows = Subscription.objects.filter(user=user).select_related("newsletter")
    return {row.newsletter.kind: row for row in rows}


def issue_get(*, kind: str, edition_date: date) -> Issue | None:
    return (
        Issue.objects.select_related("newsletter")
        .filter(newsletter__kind=kind, edition_date=edition_date)
        .first()
    )


def issue_list_for_feed() -> list[Issue]:
    return list(
        Issue.objects.select_related("newsletter").order_by("-built_at", "-id")[:FEED_ISSUES]
    )


def issue_list_recent(*, kind: str = NewsletterKind.DAILY_BRIEFING, limit: int = 14) -> QuerySet:
    return (
        Issue.objects.filter(newsletter__kind=kind)
        .select_related("newsletter")
        .order_by("-edition_date")[:limit]
    )
