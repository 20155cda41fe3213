"""Celery interface to stories.services: ids in, one article or one story per task.

All tasks are idempotent (placing an already placed article does nothing; refreshing recomputes
from the database) and routed to the "clustering" queue by ``stories.tasks.*``.
"""

from __future__ import annotations

from django.utils import timezone

from infra.queues import queue_is_empty, queue_of
from infra.tasks import policy_task
from stories import services

# Every task follows the site's policy (infra.tasks: late acks, database retries with backoff);
# beyond its retries the lost-work sweep re-queues what a task left undone.
SOFT_TIME_LIMIT_SECONDS = 60
HARD_TIME_LIMIT_SECONDS = 90
MERGE_PASS_SOFT_TIME_LIMIT_SECONDS = 300
MERGE_PASS_HARD_TIME_LIMIT_SECONDS = 360
# A day's worth of old articles is a few hundred thousand rows at most, in batches.
RETENTION_SOFT_TIME_LIMIT_SECONDS = 1800
RETENTION_HARD_TIME_LIMIT_SECONDS = 1900

_limits = {"soft_time_limit": SOFT_TIME_LIMIT_SECONDS, "time_limit": HARD_TIME_LIMIT_SECONDS}


@policy_task(**_limits)
def article_cluster(article_id: int) -> int | None:
    """Place one article in a story, with the other articles waiting for one then (one hold
    of the clustering lock for up to ``PLACEMENT_BATCH``); the article's story id. Each
    story's refresh follows a few seconds later, once for all the articles joining it
    meanwhile (``REFRESH_DEBOUNCE_SECONDS``)."""
    return services.articles_cluster_waiting(article_id=article_id)


@policy_task(**_limits)
def story_refresh(story_id: int) -> bool:
    """Recompute one story's figures, headline and summary."""
    return services.story_refresh(story_id=story_id)


@policy_task(**_limits)
def stories_recompute_for_source(source_id: int) -> list[int]:
    """Queue a refresh of every story the source covers (one task per story)."""
    return services.stories_recompute_for_source(source_id=source_id)


@policy_task(
    soft_time_limit=MERGE_PASS_SOFT_TIME_LIMIT_SECONDS,
    time_limit=MERGE_PASS_HARD_TIME_LIMIT_SECONDS,
)
def stories_merge_pass() -> int:
    """Periodic: merge active stories that turned out to be one event; how many merged."""
    return len(services.stories_merge_pass(now=timezone.now()))


@policy_task(**_limits)
def stories_sweep_lost_work() -> dict[str, int]:
    """Periodic: re-queue placements and refreshes whose task was lost (at once when the
    clustering queue is empty); how many of each."""
    sweep = services.stories_sweep_lost_work(
        now=timezone.now(), idle_queue=queue_is_empty(queue_of(article_cluster.name))
    )
    return {"articles": len(sweep.article_ids), "stories": len(sweep.story_ids)}


@policy_task(**_limits)
def stories_recheck_blindspots() -> int:
    """Periodic: refresh recent stories whose blindspot check is out of date; how many."""
    return len(services.stories_recheck_blindspots(now=timezone.now()))


@policy_task(
    soft_time_limit=RETENTION_SOFT_TIME_LIMIT_SECONDS,
    time_limit=RETENTION_HARD_TIME_LIMIT_SECONDS,
)
def articles_drop_old_text() -> int:
    """Periodic (daily): drop the stored text of old articles (retention); how many."""
    return services.articles_drop_old_text(now=timezone.now())
