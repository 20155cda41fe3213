"""Reads for the operator view and the management command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet

from sources.models import Feed
from stories.models import Article, ArticleStatus


@dataclass(frozen=True)
class FeedHealth:
    feed: Feed
    articles_last_24h: int


def feed_list_health(*, now: datetime) -> list[FeedHealth]:
    """Every feed with its source and its article count over the last 24 hours (one query)."""
    since = now - timedelta(hours=24)
    feeds = (
        Feed.objects.select_related("source")
        .annotate(recent=Count("articles", filter=Q(articles__created_at__gte=since)))
        .order_by("-consecutive_failures", "source__name", "url")
    )
    return [FeedHealth(feed=feed, articles_last_24h=feed.recent) for feed in feeds]


def article_status_counts() -> dict[str, int]:
    counts = dict(
        Article.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ArticleStatus.values}


def article_pending_ids(
    *, feed_ids: list[int] | None = None, since: datetime | None = None
) -> QuerySet:
    """Ids of the pending articles (of ``feed_ids``, published since ``since``), oldest first
    across all feeds; undated articles last, by id.

    Publication order, not feed by feed: processed in this order, articles reach clustering
    as they would reach a live site, so the stories do not depend on which feed came first.
    """
    articles = Article.objects.filter(status=ArticleStatus.PENDING)
    if feed_ids is not None:
        articles = articles.filter(feed_id__in=feed_ids)
    if since is not None:
        articles = articles.filter(Q(published_at__gte=since) | Q(published_at__isnull=True))
    return articles.order_by(F("published_at").asc(nulls_last=True), "id").values_list(
        "id", flat=True
    )
