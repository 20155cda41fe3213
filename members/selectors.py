"""Reads for members' pages: one query each, relations loaded here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value

from members.bias import ReadRecord
from members.membership import MembershipTerms, is_premium_at
from members.models import (
    ApiToken,
    EditionChoice,
    Membership,
    MembershipEvent,
    ReadEvent,
    SavedStory,
    SourceFollow,
    SourceMute,
    TopicFollow,
)
from members.tokens import token_digest
from stories.models import Article, Story
from stories.reader import rank_score
from stories.selectors import STORY_CARD_FIELDS


def membership_terms_for_user(*, user_id: int) -> MembershipTerms | None:
    row = (
        Membership.objects.filter(user_id=user_id)
        .values_list("tier", "valid_from", "valid_until")
        .first()
    )
    return MembershipTerms(*row) if row else None


def premium_user_ids(*, user_ids: list[int], now: datetime) -> set[int]:
    """Which of ``user_ids`` hold premium at ``now`` (``members.access``'s rule: active staff,
    or premium terms covering ``now``), in one query whatever their number."""
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list(
            "pk",
            "is_staff",
            "membership__tier",
            "membership__valid_from",
            "membership__valid_until",
        )
    )
    return {
        user_id
        for user_id, is_staff, tier, valid_from, valid_until in rows
        if is_staff
        or (tier is not None and is_premium_at(MembershipTerms(tier, valid_from, valid_until), now))
    }


def membership_for_user(*, user: User) -> Membership | None:
    return Membership.objects.filter(user=user).first()


def membership_event_list(*, user: User) -> QuerySet[MembershipEvent]:
    return MembershipEvent.objects.filter(user=user).select_related("actor")


def read_event_list(*, user: User) -> QuerySet[ReadEvent]:
    return ReadEvent.objects.filter(user=user).select_related("article__source")


def read_records_since(*, user: User, since: datetime) -> list[ReadRecord]:
    """The reader's reads after ``since`` as plain records for ``members.bias``."""
    rows = (
        ReadEvent.objects.filter(user=user, read_at__gt=since)
        .select_related("article__source", "article__story")
        .only(
            "read_at",
            "article__id",
            "article__source__id",
            "article__source__name",
            "article__source__slug",
            "article__source__bias",
            "article__source__factuality",
            "article__story__id",
            "article__story__slug",
            "article__story__headline",
            "article__story__blindspot",
        )
    )
    records = []
    for event in rows:
        article, source, story = event.article, event.article.source, event.article.story
        records.append(
            ReadRecord(
                article_id=article.id,
                read_at=event.read_at,
                source_id=source.id,
                source_name=source.name,
                source_slug=source.slug,
                bias=source.bias,
                factuality=source.factuality,
                story_id=story.id if story else None,
                story_slug=story.slug if story else "",
                story_headline=story.headline if story else "",
                story_blindspot=story.blindspot if story else "",
            )
        )
    return records


def read_window_start(*, now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def api_token_user(*, token: str) -> User | None:
    """The active user an unrevoked API token belongs to, else None (one query)."""
    row = (
        ApiToken.objects.filter(digest=token_digest(token), revoked_at=None, user__is_active=True)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at=None)


@dataclass(frozen=True)
class ReaderPreferences:
    """What a member follows, mutes and saved (slugs), and their edition ("" when none)."""

    topics: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    muted: frozenset[str] = frozenset()
    saved: frozenset[str] = frozenset()
    edition: str = ""


def reader_preferences(*, user_id: int) -> ReaderPreferences:
    """Everything a member chose, in one query (a UNION of the choice tables)."""

    def kind(model: Any, label: str, field: str) -> QuerySet:
        return (
            model.objects.filter(user_id=user_id)
            .annotate(kind=Value(label, output_field=CharField()))
            .values_list("kind", field)
        )

    rows = kind(TopicFollow, "topic", "topic__slug").union(
        kind(SourceFollow, "source", "source__slug"),
        kind(SourceMute, "muted", "source__slug"),
        kind(SavedStory, "saved", "story__slug"),
        kind(EditionChoice, "edition", "edition"),
        all=True,
    )
    found: dict[str, set[str]] = {"topic": set(), "source": set(), "muted": set(), "saved": set()}
    edition = ""
    for label, value in rows:
        if label == "edition":
            edition = value
        else:
            found[label].add(value)
    return ReaderPreferences(
        topics=frozenset(found["topic"]),
        sources=frozenset(found["source"]),
        muted=frozenset(found["muted"]),
        saved=frozenset(found["saved"]),
        edition=edition,
    )


def following_lists(*, user: User) -> dict[str, list[Any]]:
    """The topics and sources a member follows and the sources they mute (three queries)."""
    return {
        "topics": [f.topic for f in TopicFollow.objects.filter(user=user).select_related("topic")],
        "sources": [
            f.source for f in SourceFollow.objects.filter(user=user).select_related("source")
        ],
        "muted": [m.source for m in SourceMute.objects.filter(user=user).select_related("source")],
    }


def saved_stories(*, user_id: int, limit: int = 100) -> list[Story]:
    """The stories a member saved, most recently saved first (one query)."""
    return list(
        Story.objects.filter(saved_by__user_id=user_id, merged_into=None)
        .only(*STORY_CARD_FIELDS, "summary")
        .order_by("-saved_by__saved_at")[:limit]
    )


# For You ranks the most recently updated of the stories a member follows, like the home page.
FOR_YOU_CANDIDATES = 300
FOR_YOU_PER_PAGE = 20


def story_list_for_you(*, user_id: int, now: datetime, page: int) -> Page:
    """Stories about a followed topic or covered by a followed outlet, ranked like the home
    page; a story only muted outlets cover is left out (one query, count-free paginator).

    Muting never changes a story's figures: they are read from the story as stored.
    """
    followed = Q(topic_rows__topic__follows__user_id=user_id) | Q(
        articles__source__follows__user_id=user_id
    )
    unmuted_coverage = Exists(
        Article.objects.filter(story_id=OuterRef("pk")).exclude(source__mutes__user_id=user_id)
    )
    candidates = list(
        Story.objects.filter(pk__in=Story.objects.filter(followed, merged_into=None).values("pk"))
        .filter(unmuted_coverage)
        .only(*STORY_CARD_FIELDS)
        .order_by("-last_updated_at")[:FOR_YOU_CANDIDATES]
    )
    candidates.sort(key=lambda s: rank_score(s.source_count, s.last_updated_at, now), reverse=True)
    return Paginator(candidates, FOR_YOU_PER_PAGE).get_page(page)
