"""Celery tasks: thin interfaces that take an id, call one service and retry transient errors.

Routing (settings.CELERY_TASK_ROUTES): ``feed_*`` → queue "feeds", ``article_*`` → "articles".

Two kinds of retry, both with jittered exponential backoff:

* a transient fetch error (timeout, 5xx, 429) is retried ``MAX_TRANSIENT_RETRIES`` times from
  30 s, then recorded on the feed or article like any other failure;
* a database outage (``OperationalError`` / ``InterfaceError``: PostgreSQL restarting, a
  failover, a dropped connection) is retried for about 25 minutes from 2 s. Nothing is recorded
  (the database is what is missing), and the services are idempotent, so running again from
  the start is safe. Celery's Django fixup closes the connection around every task, so each
  attempt opens a fresh one. Should the outage outlast the retries, the article stays pending
  for the stuck-article sweep and the feed's claim expires, so beat polls it again.

The beat tasks (``feed_enqueue_due``, ``article_requeue_stuck``) do not retry: they change
nothing when the database is away, and the next tick, a minute or five later, is their retry.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from ingestion import schedule, services

MAX_TRANSIENT_RETRIES = 3
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_BASE_SECONDS = 2
# 2 s, 4 s … 256 s, then 256 s each time: 12 retries span about 25 minutes.
DATABASE_RETRY_MAX_DOUBLINGS = 7
MAX_DATABASE_RETRIES = 12


def _countdown(retries: int) -> int:
    return schedule.task_retry_countdown(retries=retries, jitter=random.random())  # noqa: S311


def database_retry_countdown(retries: int, *, jitter: float) -> int:
    """Seconds before retry number ``retries + 1`` after a database error (± 10 % jitter)."""
    return schedule.task_retry_countdown(
        retries=min(retries, DATABASE_RETRY_MAX_DOUBLINGS),
        jitter=jitter,
        base_seconds=DATABASE_RETRY_BASE_SECONDS,
    )


def _database_countdown(retries: int) -> int:
    return database_retry_countdown(retries, jitter=random.random())  # noqa: S311


def _run_with_retries(
    task: Task, work: Callable[[bool], str], *, on_time_limit: Callable[[], str]
) -> str:
    """``work(retry)``'s status, retrying transient fetch and database errors as above.

    ``retry`` tells the service whether a transient fetch error may still be raised for a retry
    (True) or must be recorded now, the retries being used up (False).
    """
    retries = task.request.retries
    try:
        return work(retries < MAX_TRANSIENT_RETRIES)
    except services.TransientIngestionError as error:
        raise task.retry(exc=error, countdown=_countdown(retries)) from error
    except DATABASE_ERRORS as error:
        raise task.retry(
            exc=error, countdown=_database_countdown(retries), max_retries=MAX_DATABASE_RETRIES
        ) from error
    except SoftTimeLimitExceeded:
        return on_time_limit()


@shared_task(bind=True, soft_time_limit=60, time_limit=90, max_retries=MAX_TRANSIENT_RETRIES)
def feed_fetch(self, feed_id: int) -> str:
    """Poll one feed. Transient failures retry with backoff; the last one is recorded."""

    def give_up() -> str:
        services.feed_record_failure(feed_id=feed_id, error="timeout: the poll took too long")
        return "failed"

    return _run_with_retries(
        self,
        lambda retry: services.feed_fetch(feed_id=feed_id, retry=retry).status,
        on_time_limit=give_up,
    )


@shared_task(bind=True, soft_time_limit=90, time_limit=120, max_retries=MAX_TRANSIENT_RETRIES)
def article_extract(self, article_id: int) -> str:
    """Download and extract one article. Transient failures retry; the last one is recorded."""

    def give_up() -> str:
        services.article_give_up(article_id=article_id, reason="extraction took too long")
        return "feed_only"

    return _run_with_retries(
        self,
        lambda retry: services.article_extract(article_id=article_id, retry=retry).status,
        on_time_limit=give_up,
    )


@shared_task(soft_time_limit=30, time_limit=60)
def feed_enqueue_due() -> int:
    """Beat, every minute: one feed_fetch task per due feed."""
    feed_ids = services.feeds_claim_due(now=timezone.now())
    for feed_id in feed_ids:
        feed_fetch.delay(feed_id)
    return len(feed_ids)


@shared_task(soft_time_limit=60, time_limit=90)
def article_requeue_stuck() -> int:
    """Beat, every five minutes: re-queue articles whose task was lost."""
    ids, _given_up = services.articles_requeue_stuck(now=timezone.now())
    return len(ids)
