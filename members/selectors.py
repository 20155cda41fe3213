"""Reads for members' pages: one query each, relations loaded here and nowhere else."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet

from members.bias import ReadRecord
from members.membership import MembershipTerms, is_premium_at
from members.models import ApiToken, Membership, MembershipEvent, ReadEvent
from members.tokens import token_digest


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
