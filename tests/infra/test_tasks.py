"""infra.tasks: the retry policy every app's tasks share."""

import pytest
from celery import shared_task
from django.db import OperationalError

from infra.tasks import MAX_RETRIES, PolicyTask, policy_task, retry_countdown
from ingestion import tasks as ingestion_tasks
from sources import tasks as sources_tasks
from stories import tasks as stories_tasks


def test_database_retries_back_off_exponentially_up_to_a_cap():
    countdowns = [retry_countdown(retries=n, jitter=0.5) for n in range(8)]

    assert countdowns == [2, 4, 8, 16, 32, 60, 60, 60]
    assert 54 <= retry_countdown(retries=20, jitter=0.0) < 60
    assert 60 < retry_countdown(retries=20, jitter=0.99) <= 66


def test_database_retries_outlast_a_restart_of_several_minutes():
    worst_case = sum(retry_countdown(retries=n, jitter=0.0) for n in range(MAX_RETRIES))

    assert worst_case > 20 * 60


@pytest.mark.parametrize(
    "task",
    [
        ingestion_tasks.feed_fetch,
        ingestion_tasks.article_extract,
        ingestion_tasks.feed_enqueue_due,
        ingestion_tasks.article_requeue_stuck,
        stories_tasks.article_cluster,
        stories_tasks.story_refresh,
        stories_tasks.stories_recompute_for_source,
        stories_tasks.stories_merge_pass,
        stories_tasks.stories_sweep_lost_work,
        stories_tasks.stories_recheck_blindspots,
        stories_tasks.articles_drop_old_text,
        sources_tasks.source_refresh_rating,
    ],
    ids=lambda task: task.name,
)
def test_every_task_follows_the_policy_with_time_limits(task):
    assert isinstance(task, PolicyTask)
    assert task.acks_late
    assert 0 < task.soft_time_limit < task.time_limit


@shared_task(base=PolicyTask)
def _loses_the_database_twice(calls: list) -> int:
    calls.append(1)
    if len(calls) <= 2:
        raise OperationalError("server closed the connection unexpectedly")
    return len(calls)


def test_a_task_that_loses_the_database_is_retried_until_it_completes():
    assert _loses_the_database_twice.apply(args=[[]]).get() == 3


def test_policy_task_takes_further_celery_options():
    @policy_task(soft_time_limit=1, time_limit=2, max_retries=3)
    def noop() -> None:
        return None

    assert (noop.max_retries, noop.soft_time_limit, noop.time_limit) == (3, 1, 2)
