"""Periodic passes: merging stories of one event, re-queueing lost work, re-checking
blindspots, and the recomputations that prove stored figures true."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from infra.locks import AdvisoryLock, advisory_xact_lock
from infra.queues import IDLE_QUEUE_QUIET_SECONDS
from infra.tasks import enqueue_on_commit
from stories import clustering
from stories.models import Article, Story
from stories.selectors import side_articles_published, story_ids_for_source
from stories.services.editorial import stories_merge
from stories.services.index import DatabaseIndex
from stories.services.parameters import blindspot_thresholds, cluster_params
from stories.services.placement import CLUSTERABLE_STATUSES
from stories.services.refresh import queue_refresh, story_compute_figures

logger = logging.getLogger(__name__)


def stories_merge_pass(*, now: datetime) -> list[tuple[int, int]]:
    """Fold together active stories that turned out to be one event; [(absorbed, into)].

    Stories active in the window and not ``merge_locked`` take part; the pairs come from
    ``clustering.plan_merges`` (the code the benchmark replays).
    """
    params = cluster_params()
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        active = Story.objects.filter(
            merged_into__isnull=True,
            merge_locked=False,
            last_updated_at__gte=now - params.window,
        ).only("id", "cluster_state")
        states = [
            clustering.StoryState.from_json(story.id, story.cluster_state)
            for story in active
            if story.cluster_state
        ]
        merges = clustering.plan_merges(DatabaseIndex(), states, now=now, params=params)
        for absorbed_id, into_id in merges:
            stories_merge(into=Story(id=into_id), others=[Story(id=absorbed_id)], by_editor=False)
    return merges


def stories_recompute_for_source(*, source_id: int) -> list[int]:
    """Queue a refresh of every live story covered by the source; the story ids."""
    story_ids = story_ids_for_source(source_id=source_id)
    with transaction.atomic():
        queue_refresh(story_ids)
    return story_ids


# Work untouched for this long lost its task (killed worker, lost queue); as long as
# ingestion.schedule.STUCK_ARTICLE_MINUTES, and longer than any task's time limit.
LOST_WORK_MINUTES = 15


# At most this many articles and this many stories re-queued by one sweep.
LOST_WORK_BATCH = 5000


# A blindspot check is re-counted for this long after the story's period ends: feeds are
# polled at most every 6 hours and back off for up to 24 after failures, so a side's articles
# of that period have arrived by then.
BLINDSPOT_RECHECK_HOURS = 48


# Articles that belong in a story once they have text (or their feed summary).


@dataclass(frozen=True)
class LostWorkSweep:
    """What one sweep re-queued: articles to cluster, stories to refresh (ids, ascending)."""

    article_ids: tuple[int, ...] = ()
    story_ids: tuple[int, ...] = ()


def stories_sweep_lost_work(*, now: datetime, idle_queue: bool = False) -> LostWorkSweep:
    """Re-queue clustering work that a killed worker or a lost queue left undone.

    * ``article_cluster`` for every extracted or feed-only article that has had no story for
      ``LOST_WORK_MINUTES`` (its placement task died or was never delivered);
    * ``story_refresh`` for every live story whose ``refresh_requested_at`` is that old (its
      article was placed, or its outlet re-rated, but the refresh never ran: stale figures).

    Idempotent, like the tasks it queues. Re-queued rows are stamped with ``now`` so the next
    sweep leaves them to their new task for another ``LOST_WORK_MINUTES``; rows another
    transaction holds (being placed or refreshed right now) are skipped.

    ``idle_queue``: the clustering queue is empty (``infra.queues``), so work quiet for
    ``IDLE_QUEUE_QUIET_SECONDS`` has lost its message (a broker restart) and is re-queued at
    once: a placement or refresh that is running holds its row, and is skipped.
    """
    from stories.tasks import article_cluster as article_cluster_task
    from stories.tasks import story_refresh as story_refresh_task

    cutoff = now - (
        timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS)
        if idle_queue
        else timedelta(minutes=LOST_WORK_MINUTES)
    )
    with transaction.atomic():
        article_ids = list(
            Article.objects.select_for_update(skip_locked=True)
            .filter(story__isnull=True, status__in=CLUSTERABLE_STATUSES, updated_at__lt=cutoff)
            .order_by("updated_at", "id")
            .values_list("id", flat=True)[:LOST_WORK_BATCH]
        )
        Article.objects.filter(id__in=article_ids).update(updated_at=now)
        story_ids = list(
            Story.objects.select_for_update(skip_locked=True)
            .filter(refresh_requested_at__lt=cutoff, merged_into__isnull=True)
            .order_by("refresh_requested_at", "id")
            .values_list("id", flat=True)[:LOST_WORK_BATCH]
        )
        Story.objects.filter(id__in=story_ids).update(refresh_requested_at=now)
        for article_id in article_ids:
            enqueue_on_commit(article_cluster_task, article_id)
        for story_id in story_ids:
            enqueue_on_commit(story_refresh_task, story_id)
    if article_ids or story_ids:
        logger.warning(
            "re-queued lost clustering work: %d articles, %d stories",
            len(article_ids),
            len(story_ids),
        )
    return LostWorkSweep(article_ids=tuple(sorted(article_ids)), story_ids=tuple(sorted(story_ids)))


def stories_recheck_blindspots(*, now: datetime) -> list[int]:
    """Queue a refresh for every recent story whose blindspot check is out of date.

    A story's check counts what the candidate side's outlets published in the story's period,
    as far as it had arrived at the story's last refresh. That side's articles can arrive
    later (a feed polled every few hours, or backing off), and nothing about this story
    changes then: without a re-count, a story stays "not a blindspot" after the side is seen
    publishing, or gives an old count as its reason. One query for the stories whose period
    ended less than ``BLINDSPOT_RECHECK_HOURS`` ago, one count for each that has a check.
    Returns the ids queued, ascending.
    """
    padding = timedelta(hours=blindspot_thresholds().window_padding_hours)
    recent = now - timedelta(hours=BLINDSPOT_RECHECK_HOURS) - padding
    stale = []
    stories = Story.objects.filter(
        merged_into__isnull=True, refresh_requested_at__isnull=True, last_updated_at__gte=recent
    ).only("id", "figures")
    for story in stories:
        check = (story.figures or {}).get("blindspot_check")
        if not check:
            continue
        published = side_articles_published(
            side=check["side"],
            start=datetime.fromisoformat(check["period_start"]),
            end=datetime.fromisoformat(check["period_end"]),
        )
        if published != check["side_articles_published"]:
            stale.append(story.id)
    if stale:
        with transaction.atomic():
            queue_refresh(stale, now=now)
    return sorted(stale)


def stories_figures_drift() -> list[int]:
    """Live stories whose stored figures differ from a recomputation (should be none)."""
    drifted = []
    for story in Story.objects.filter(merged_into__isnull=True):
        if story.figures != story_compute_figures(story=story).as_dict():
            drifted.append(story.id)
    return drifted
