"""Celery interface to stories.services: ids in, one article or one story per task.

All tasks are idempotent (placing an already placed article does nothing; refreshing recomputes
from the database) and routed to the "clustering" queue by ``stories.tasks.*``.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from stories import services

# A database outage (PostgreSQL restarting, a failover, a dropped connection) is retried with
# full-jitter exponential backoff, 2 s doubling up to 256 s, 12 times: about 13 minutes on
# average and at most 25, like ingestion's tasks. Beyond that the lost-work sweep re-queues it.
RETRY_ON = (OperationalError, InterfaceError, ConnectionError)
SOFT_TIME_LIMIT_SECONDS = 60
HARD_TIME_LIMIT_SECONDS = 90
MERGE_PASS_SOFT_TIME_LIMIT_SECONDS = 300
MERGE_PASS_HARD_TIME_LIMIT_SECONDS = 360
MAX_RETRIES = 12
RETRY_BACKOFF_BASE_SECONDS = 2
RETRY_BACKOFF_MAX_SECONDS = 256

_task_options = {
    "acks_late": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": RETRY_BACKOFF_BASE_SECONDS,
    "retry_backoff_max": RETRY_BACKOFF_MAX_SECONDS,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
    "soft_time_limit": SOFT_TIME_LIMIT_SECONDS,
    "time_limit": HARD_TIME_LIMIT_SECONDS,
}


@shared_task(**_task_options)
def article_cluster(article_id: int) -> int | None:
    """Place one article in a story, then refresh that story; the story id."""
    story_id = services.article_cluster(article_id=article_id)
    if story_id is not None:
        services.story_refresh(story_id=story_id)
    return story_id


@shared_task(**_task_options)
def story_refresh(story_id: int) -> bool:
    """Recompute one story's figures, headline and summary."""
    return services.story_refresh(story_id=story_id)


@shared_task(**_task_options)
def stories_recompute_for_source(source_id: int) -> list[int]:
    """Queue a refresh of every story the source covers (one task per story)."""
    return services.stories_recompute_for_source(source_id=source_id)


@shared_task(
    **{
        **_task_options,
        "soft_time_limit": MERGE_PASS_SOFT_TIME_LIMIT_SECONDS,
        "time_limit": MERGE_PASS_HARD_TIME_LIMIT_SECONDS,
    }
)
def stories_merge_pass() -> int:
    """Periodic: merge active stories that turned out to be one event; how many merged."""
    return len(services.stories_merge_pass(now=timezone.now()))


@shared_task(**_task_options)
def stories_sweep_lost_work() -> dict[str, int]:
    """Periodic: re-queue placements and refreshes whose task was lost; how many of each."""
    sweep = services.stories_sweep_lost_work(now=timezone.now())
    return {"articles": len(sweep.article_ids), "stories": len(sweep.story_ids)}


@shared_task(**_task_options)
def stories_recheck_blindspots() -> int:
    """Periodic: refresh recent stories whose blindspot check is out of date; how many."""
    return len(services.stories_recheck_blindspots(now=timezone.now()))
