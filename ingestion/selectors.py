"""Ingestion reads: the operator view, the pending articles, the wire window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from ingestion.fingerprint import (
    MAX_HAMMING_DISTANCE,
    WIRE_WINDOW_HOURS,
    FingerprintedArticle,
    is_near_copy,
)
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


# --- the wire window: which stored articles a new text may copy -----------------------------


def article_wire_window(article: Article) -> QuerySet[Article]:
    """Fingerprinted articles published within ``WIRE_WINDOW_HOURS`` of ``article``."""
    reference = article.published_at or article.created_at
    window = timedelta(hours=WIRE_WINDOW_HOURS)
    return (
        Article.objects.filter(
            Q(text_fingerprint__isnull=False) | Q(lead_fingerprint__isnull=False)
        )
        .exclude(pk=article.pk)
        .filter(
            Q(published_at__range=(reference - window, reference + window))
            | Q(
                published_at__isnull=True,
                created_at__range=(reference - window, reference + window),
            )
        )
    )


def article_near_copy_ids(
    in_window: QuerySet[Article],
    fingerprint: int | None,
    *,
    in_database: bool,
    lead: int | None = None,
) -> list[int]:
    """Ids of the articles of ``in_window`` whose fingerprint is a near copy of ``fingerprint``
    or whose agency lead is ``lead`` (one query either way).

    ``in_database`` (PostgreSQL 14+) XORs and counts the differing bits in SQL: with 100k /
    400k fingerprints in the window 27 / 56 ms instead of 83 / 294 ms for reading them into
    Python (``bench/wire_window.py``), which matters because storing runs under a lock.
    """
    if fingerprint is None and lead is None:
        return []
    same_lead = Q(lead_fingerprint=lead) if lead is not None else Q(pk__in=[])
    if in_database:
        if fingerprint is None:
            return list(in_window.filter(same_lead).values_list("id", flat=True))
        distance = RawSQL("bit_count((text_fingerprint # %s)::bit(64))", [fingerprint])
        return list(
            in_window.alias(distance=distance)
            .filter(Q(distance__lte=MAX_HAMMING_DISTANCE) | same_lead)
            .values_list("id", flat=True)
        )
    return [
        pk
        for pk, other, other_lead in in_window.values_list(
            "id", "text_fingerprint", "lead_fingerprint"
        )
        if (lead is not None and other_lead == lead)
        or (fingerprint is not None and other is not None and is_near_copy(other, fingerprint))
    ]


def article_wire_candidates(
    *,
    article: Article,
    fingerprint: int | None,
    lead: int | None = None,
    other_outlets_only: bool = False,
) -> list[FingerprintedArticle]:
    """Articles in the wire window whose text is a near copy of ``fingerprint`` or starts with
    the agency lead ``lead``, plus the origins those copies point at (when in the window too).

    Every fingerprint in the window is compared (in PostgreSQL when it is the database); the
    dates that decide which copy is the origin are read for the few matches.
    ``other_outlets_only`` leaves out the article's own outlet: for feed text, where one
    outlet's items can share a long boilerplate paragraph that is no copy of anything.
    """
    in_window = article_wire_window(article)
    if other_outlets_only:
        in_window = in_window.exclude(source_id=article.source_id)
    match_ids = article_near_copy_ids(
        in_window, fingerprint, in_database=connection.vendor == "postgresql", lead=lead
    )
    if not match_ids:
        return []
    rows = in_window.filter(
        Q(pk__in=match_ids)
        | Q(pk__in=Article.objects.filter(pk__in=match_ids).values("wire_origin_id"))
    ).values_list(
        "id",
        "text_fingerprint",
        "published_at",
        "created_at",
        "wire_origin_id",
        "lead_fingerprint",
    )
    return [
        FingerprintedArticle(
            id=row[0],
            fingerprint=row[1],
            published_at=row[2],
            created_at=row[3],
            wire_origin_id=row[4],
            lead_fingerprint=row[5],
        )
        for row in rows
    ]
