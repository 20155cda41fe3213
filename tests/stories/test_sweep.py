"""stories.services.stories_sweep_lost_work on the real database.

A worker killed between two steps loses its task, and Redis redelivers an unacknowledged task
only after the visibility timeout (an hour). These tests leave the database as such a worker
leaves it and check that the sweep re-queues exactly the lost work, and that running what it
queued leaves every article in a story and every story's figures true.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from infra.queues import IDLE_QUEUE_QUIET_SECONDS
from newsdesk.celery import app as celery_app
from stories import services, tasks
from stories.models import Article, ArticleStatus, Story
from tests.stories.factories import make_article, make_source

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=services.LOST_WORK_MINUTES + 1)


def age(article: Article, by: timedelta) -> None:
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - by)


def with_status(article: Article, status: str) -> Article:
    Article.objects.filter(pk=article.pk).update(status=status)
    return article


def test_an_article_whose_placement_was_lost_is_requeued_and_then_in_a_story(
    eager_tasks, django_capture_on_commit_callbacks
):
    article = make_article("Sbarro files for Chapter 11 bankruptcy again", make_source("left"))
    age(article, LATER)

    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.stories_sweep_lost_work(now=timezone.now())

    assert sweep.article_ids == (article.id,)
    article.refresh_from_db()
    assert article.story is not None
    assert article.story.left_count == 1
    assert services.stories_figures_drift() == []


def test_a_feed_only_article_without_a_story_is_requeued_too():
    article = with_status(make_article("Sbarro files for Chapter 11 bankruptcy again"), "feed_only")
    age(article, LATER)

    assert services.stories_sweep_lost_work(now=timezone.now()).article_ids == (article.id,)


def test_an_article_waiting_less_than_the_cutoff_is_left_to_its_queued_task():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    age(article, timedelta(minutes=services.LOST_WORK_MINUTES - 1))

    assert services.stories_sweep_lost_work(now=timezone.now()).article_ids == ()


QUIET = timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS + 1)


def test_with_the_clustering_queue_empty_an_article_quiet_for_a_minute_is_requeued_at_once():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    age(article, QUIET)

    sweep = services.stories_sweep_lost_work(now=timezone.now(), idle_queue=True)

    assert sweep.article_ids == (article.id,)


def test_with_the_clustering_queue_empty_an_article_placed_moments_ago_is_left_alone():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    age(article, timedelta(seconds=IDLE_QUEUE_QUIET_SECONDS - 10))

    assert services.stories_sweep_lost_work(now=timezone.now(), idle_queue=True).article_ids == ()


def test_with_placements_still_queued_an_article_quiet_for_a_minute_is_left_to_its_task():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    age(article, QUIET)

    assert services.stories_sweep_lost_work(now=timezone.now()).article_ids == ()


@pytest.mark.parametrize("status", [ArticleStatus.PENDING, ArticleStatus.FAILED])
def test_articles_without_text_or_duplicates_are_never_sent_to_clustering(status):
    article = with_status(make_article("Sbarro files for Chapter 11 bankruptcy again"), status)
    age(article, LATER)

    assert services.stories_sweep_lost_work(now=timezone.now()).article_ids == ()


def test_a_placed_article_is_not_requeued():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    services.story_refresh(story_id=services.article_cluster(article_id=article.id))
    age(article, LATER)

    assert services.stories_sweep_lost_work(now=timezone.now() + LATER) == services.LostWorkSweep()


def test_a_story_whose_refresh_was_lost_is_requeued_and_then_has_true_figures(
    eager_tasks, django_capture_on_commit_callbacks
):
    """The worker placed the article (committed) and died before refreshing its story."""
    article = make_article("Sbarro files for Chapter 11 bankruptcy again", make_source("right"))
    story_id = services.article_cluster(article_id=article.id)
    assert services.stories_figures_drift() == [story_id]

    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.stories_sweep_lost_work(now=timezone.now() + LATER)

    assert sweep == services.LostWorkSweep(story_ids=(story_id,))
    story = Story.objects.get(pk=story_id)
    assert (story.right_count, story.refresh_requested_at) == (1, None)
    assert services.stories_figures_drift() == []


def test_a_story_that_joined_an_article_after_its_last_refresh_is_requeued():
    first = make_article("Sbarro files for Chapter 11 bankruptcy again")
    story_id = services.article_cluster(article_id=first.id)
    services.story_refresh(story_id=story_id)
    second = make_article("Pizza chain Sbarro files for Chapter 11 bankruptcy", minutes=2)
    assert services.article_cluster(article_id=second.id) == story_id

    sweep = services.stories_sweep_lost_work(now=timezone.now() + LATER)

    assert sweep.story_ids == (story_id,)


def test_a_story_refreshed_recently_is_left_to_its_queued_task():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    services.article_cluster(article_id=article.id)

    assert services.stories_sweep_lost_work(now=timezone.now()).story_ids == ()


def test_a_sweep_does_not_requeue_what_the_previous_sweep_requeued():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    age(article, LATER)
    placed = make_article("Mt. Gox files for bankruptcy protection in the US", minutes=1)
    services.article_cluster(article_id=placed.id)
    now = timezone.now() + LATER

    first = services.stories_sweep_lost_work(now=now)
    second = services.stories_sweep_lost_work(now=now + timedelta(minutes=1))

    assert (len(first.article_ids), len(first.story_ids)) == (1, 1)
    assert second == services.LostWorkSweep()


def test_a_story_merged_away_is_never_requeued():
    first = make_article("Sbarro files for Chapter 11 bankruptcy again")
    second = make_article("Mt. Gox files for bankruptcy protection in the US")
    into = Story.objects.get(pk=services.article_cluster(article_id=first.id))
    absorbed = Story.objects.get(pk=services.article_cluster(article_id=second.id))

    services.stories_merge(into=into, others=[absorbed], by_editor=True)

    assert services.stories_sweep_lost_work(now=timezone.now() + LATER).story_ids == (into.id,)


def test_re_rating_an_outlet_marks_its_stories_for_the_sweep():
    source = make_source("center")
    article = make_article("Sbarro files for Chapter 11 bankruptcy again", source)
    story_id = services.article_cluster(article_id=article.id)
    services.story_refresh(story_id=story_id)

    services.stories_recompute_for_source(source_id=source.id)

    assert services.stories_sweep_lost_work(now=timezone.now() + LATER).story_ids == (story_id,)


def test_the_sweep_task_reports_what_it_requeued(eager_tasks):
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    age(article, LATER)

    result = tasks.stories_sweep_lost_work.apply().get()

    assert result == {"articles": 1, "stories": 0}


def test_beat_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["stories-sweep-lost-work"]
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == 60.0


def test_beat_rechecks_blindspots_every_fifteen_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["stories-recheck-blindspots"]
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == 900.0
