"""Feed services: poll one feed, record how it went, claim the feeds that are due."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from infra.fields import clip_to_field
from ingestion import http, schedule
from ingestion.feeds import FeedDocument, FeedRejectedError, parse_feed
from ingestion.services.common import (
    MAX_ERROR_LENGTH,
    FeedFetchOutcome,
    FeedFetchStatus,
    TransientIngestionError,
    queue_extraction,
)
from ingestion.services.images import favicon_due, queue_favicon
from sources.models import Feed, FeedStatus
from stories.models import Article, ArticleStatus

logger = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"  # noqa: E501


def _feed_record_failure(
    *, feed_id: int, error: str, now: datetime, retry_after: str | None = None
) -> None:
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:  # deleted by an editor while we were fetching
            return
        feed.consecutive_failures += 1
        feed.status = FeedStatus.PAUSED if feed.status == FeedStatus.PAUSED else FeedStatus.FAILING
        feed.last_error = error[:MAX_ERROR_LENGTH]
        feed.last_error_at = now
        feed.last_fetched_at = now
        feed.next_fetch_at = schedule.next_fetch_after_failure(
            interval_seconds=feed.poll_interval_seconds,
            consecutive_failures=feed.consecutive_failures,
            retry_after_seconds=schedule.parse_retry_after(retry_after, now=now),
            now=now,
            jitter=random.random(),  # noqa: S311 - spreading load, not security
        )
        feed.save(
            update_fields=[
                "consecutive_failures",
                "status",
                "last_error",
                "last_error_at",
                "last_fetched_at",
                "next_fetch_at",
            ]
        )


def _feed_record_success(
    *,
    feed_id: int,
    now: datetime,
    changed: bool,
    etag: str,
    last_modified: str,
    title: str = "",
    note: str = "",
) -> None:
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:  # deleted by an editor while we were fetching
            return
        interval, next_fetch_at = schedule.next_fetch_after_success(
            interval_seconds=feed.poll_interval_seconds,
            changed=changed,
            now=now,
            jitter=random.random(),  # noqa: S311 - spreading load, not security
        )
        feed.poll_interval_seconds = interval
        feed.next_fetch_at = next_fetch_at
        feed.last_fetched_at = now
        feed.last_success_at = now
        if changed:
            feed.last_changed_at = now
        feed.consecutive_failures = 0
        if feed.status != FeedStatus.PAUSED:
            feed.status = FeedStatus.OK
        # A recovered-from problem (bad encoding, malformed XML) stays visible to editors.
        feed.last_error = note[:MAX_ERROR_LENGTH]
        feed.etag = clip_to_field(Feed, "etag", etag)
        feed.last_modified = clip_to_field(Feed, "last_modified", last_modified)
        if title and not feed.title:
            feed.title = clip_to_field(Feed, "title", title)
        feed.save()


def feed_record_failure(*, feed_id: int, error: str) -> None:
    """Record a failure that happened outside the fetch itself (e.g. a task time limit)."""
    _feed_record_failure(feed_id=feed_id, error=error, now=timezone.now())


def feed_fetch(
    *, feed_id: int, now: datetime | None = None, retry: bool = False, queue: bool = True
) -> FeedFetchOutcome:
    """Poll one feed: conditional GET, parse, upsert its entries, queue their extraction.

    With ``retry=True`` a transient failure raises :class:`TransientIngestionError` so the
    caller (the Celery task) can retry; otherwise it is recorded on the feed like any other.
    Permanent failures (refused address, hostile XML, 404 …) are always recorded, never raised.
    ``queue=False`` leaves the new articles pending for the caller to extract itself.
    """
    feed = Feed.objects.filter(pk=feed_id).select_related("source").first()
    if feed is None:
        return FeedFetchOutcome(
            feed_id=feed_id, status=FeedFetchStatus.SKIPPED, error="no such feed"
        )
    if not feed.is_active or feed.status == FeedStatus.PAUSED:
        return FeedFetchOutcome(feed_id=feed_id, status=FeedFetchStatus.SKIPPED, error="paused")

    try:
        result = http.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
        )
    except http.FetchError as error:
        if retry and not error.permanent:
            raise TransientIngestionError(error) from error
        _feed_record_failure(
            feed_id=feed_id,
            error=f"{error.kind}: {error}",
            now=now or timezone.now(),
            retry_after=error.retry_after,
        )
        return FeedFetchOutcome(feed_id=feed_id, status=FeedFetchStatus.FAILED, error=str(error))
    now = now or timezone.now()

    if result.not_modified:
        # 304: the validators matched, so there is nothing to parse.
        _feed_record_success(
            feed_id=feed_id,
            now=now,
            changed=False,
            etag=result.headers.get("etag", feed.etag),
            last_modified=result.headers.get("last-modified", feed.last_modified),
        )
        return FeedFetchOutcome(feed_id=feed_id, status=FeedFetchStatus.NOT_MODIFIED)

    try:
        document = parse_feed(
            result.body,
            now=now,
            content_type=result.headers.get("content-type", ""),
            base_url=result.url,
        )
    except FeedRejectedError as error:
        _feed_record_failure(feed_id=feed_id, error=f"rejected: {error}", now=now)
        return FeedFetchOutcome(feed_id=feed_id, status=FeedFetchStatus.FAILED, error=str(error))

    new_ids = _articles_upsert_entries(feed=feed, document=document, queue=queue)
    if favicon_due(checked_at=feed.source.favicon_checked_at, now=now):
        queue_favicon(feed.source_id)
    _feed_record_success(
        feed_id=feed_id,
        now=now,
        changed=bool(new_ids),
        etag=result.headers.get("etag", ""),
        last_modified=result.headers.get("last-modified", ""),
        title=document.title,
        note="; ".join(document.warnings),
    )
    return FeedFetchOutcome(
        feed_id=feed_id,
        status=FeedFetchStatus.OK,
        new_article_ids=tuple(new_ids),
        entry_count=len(document.entries),
    )


def _articles_upsert_entries(*, feed: Feed, document: FeedDocument, queue: bool) -> list[int]:
    """Create a pending Article per new entry; return the ids still pending.

    The unique constraint on ``canonical_url`` settles races between workers:
    ``ignore_conflicts`` lets a concurrent insert win silently. Articles already pending are
    queued again too (extraction is idempotent), which heals a lost queue.
    """
    if not document.entries:
        return []
    urls = [entry.canonical_url for entry in document.entries]
    with transaction.atomic():
        Article.objects.bulk_create(
            [
                Article(
                    canonical_url=entry.canonical_url,
                    url=entry.url,
                    source_id=feed.source_id,
                    feed=feed,
                    guid=entry.guid,
                    title=entry.title,
                    # The feed's best text (its full article when it carries one) is what
                    # clustering, summaries and wire detection read until the page is
                    # extracted; the description stays the short excerpt readers see.
                    feed_summary=entry.summary,
                    description=entry.description,
                    author=entry.author,
                    categories=list(entry.categories),
                    published_at=entry.published_at,
                    image_url=entry.image_url,
                    status=ArticleStatus.PENDING,
                )
                for entry in document.entries
            ],
            ignore_conflicts=True,
            batch_size=200,
        )
        pending = list(
            Article.objects.filter(
                canonical_url__in=urls, status=ArticleStatus.PENDING, attempts=0
            ).values_list("id", flat=True)
        )
        if queue:
            queue_extraction(pending)
    return pending


def feeds_claim_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids of active feeds due for a poll, claimed for ``CLAIM_SECONDS`` so the next beat tick
    does not enqueue them again while their task waits in the queue."""
    claim_until = now + timedelta(seconds=schedule.CLAIM_SECONDS)
    with transaction.atomic():
        ids = list(
            Feed.objects.select_for_update(skip_locked=True)
            .filter(is_active=True)
            .exclude(status=FeedStatus.PAUSED)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
            .order_by("next_fetch_at")
            .values_list("id", flat=True)[:limit]
        )
        Feed.objects.filter(pk__in=ids).update(next_fetch_at=claim_until)
    return ids
