"""Celery tasks: thin interfaces that take an id, call one service and retry transient errors.

Routing (settings.CELERY_TASK_ROUTES): ``feed_*`` → queue "feeds", ``article_*`` → "articles",
``image_*`` → "images".

Every task follows the site's policy (:mod:`infra.tasks`): a lost database is retried for about
25 minutes from 2 s; should an outage outlast that, the article stays pending for the
stuck-article sweep and the feed's claim expires, so beat polls it again. On top of that, a
transient fetch error (timeout, 5xx, 429) is retried ``MAX_TRANSIENT_RETRIES`` times from 30 s,
then recorded on the feed or article like any other failure.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from infra.queues import queue_is_empty, queue_of
from infra.tasks import enqueue, policy_task, retry_countdown
from ingestion import services

MAX_TRANSIENT_RETRIES = 3
TRANSIENT_RETRY_BASE_SECONDS = 30
TRANSIENT_RETRY_MAX_SECONDS = 3600


def transient_retry_countdown(retries: int, *, jitter: float) -> int:
    """Countdown for a retry of a transient fetch error: 30 s, 60 s, 120 s … ± jitter."""
    return retry_countdown(
        retries=retries,
        jitter=jitter,
        base_seconds=TRANSIENT_RETRY_BASE_SECONDS,
        max_seconds=TRANSIENT_RETRY_MAX_SECONDS,
    )


def _run_with_retries(
    task: Task, work: Callable[[bool], str], *, on_time_limit: Callable[[], str]
) -> str:
    """``work(retry)``'s status, retrying transient fetch errors as above.

    ``retry`` tells the service whether a transient fetch error may still be raised for a retry
    (True) or must be recorded now, the retries being used up (False).
    """
    retries = task.request.retries
    try:
        return work(retries < MAX_TRANSIENT_RETRIES)
    except services.TransientIngestionError as error:
        countdown = transient_retry_countdown(retries, jitter=random.random())  # noqa: S311
        raise task.retry(exc=error, countdown=countdown) from error
    except SoftTimeLimitExceeded:
        return on_time_limit()


@policy_task(soft_time_limit=60, time_limit=90, bind=True, max_retries=MAX_TRANSIENT_RETRIES)
def feed_fetch(self, feed_id: int) -> str:
    """Poll one feed. Transient failures retry with backoff; the last one is recorded."""

    def give_up() -> str:
        services.feed_record_failure(feed_id=feed_id, error="timeout: the poll took too long")
        return services.FeedFetchStatus.FAILED

    return _run_with_retries(
        self,
        lambda retry: services.feed_fetch(feed_id=feed_id, retry=retry).status,
        on_time_limit=give_up,
    )


@policy_task(soft_time_limit=90, time_limit=120, bind=True, max_retries=MAX_TRANSIENT_RETRIES)
def article_extract(self, article_id: int) -> str:
    """Download and extract one article. Transient failures retry; the last one is recorded."""

    def give_up() -> str:
        services.article_give_up(article_id=article_id, reason="extraction took too long")
        return services.ArticleExtractStatus.FEED_ONLY

    return _run_with_retries(
        self,
        lambda retry: services.article_extract(article_id=article_id, retry=retry).status,
        on_time_limit=give_up,
    )


@policy_task(soft_time_limit=45, time_limit=75, bind=True, max_retries=MAX_TRANSIENT_RETRIES)
def image_fetch_for_article(self, article_id: int) -> str:
    """Fetch and store one article's picture. Failures are recorded on the article, never
    raised into the article's own pipeline, which has already moved on."""

    def give_up() -> str:
        services.article_image_record_failure(
            article_id=article_id, reason="timeout: the picture took too long"
        )
        return services.PictureStatus.FAILED

    return _run_with_retries(
        self,
        lambda retry: services.article_image_fetch(article_id=article_id, retry=retry).status,
        on_time_limit=give_up,
    )


@policy_task(soft_time_limit=60, time_limit=90, bind=True, max_retries=MAX_TRANSIENT_RETRIES)
def image_fetch_favicon(self, source_id: int) -> str:
    """Look for one outlet's site icon and store it (or record why there is none)."""
    return _run_with_retries(
        self,
        lambda retry: services.source_favicon_fetch(source_id=source_id, retry=retry).status,
        on_time_limit=lambda: services.PictureStatus.FAILED,
    )


@policy_task(soft_time_limit=30, time_limit=60)
def feed_enqueue_due() -> int:
    """Beat, every minute: one feed_fetch task per due feed."""
    feed_ids = services.feeds_claim_due(now=timezone.now())
    for feed_id in feed_ids:
        enqueue(feed_fetch, feed_id)
    return len(feed_ids)


@policy_task(soft_time_limit=60, time_limit=90)
def article_requeue_stuck() -> int:
    """Beat, every minute: re-queue articles whose task was lost (at once when the extraction
    queue is empty)."""
    ids, _given_up = services.articles_requeue_stuck(
        now=timezone.now(), idle_queue=queue_is_empty(queue_of(article_extract.name))
    )
    return len(ids)
