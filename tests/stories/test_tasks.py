"""stories.tasks through the real broker and real worker processes."""

import pytest
from django.db import InterfaceError, OperationalError, connection, transaction

from newsdesk.celery import app as celery_app
from stories import services
from stories.models import Article, Story, TermFrequency
from stories.tasks import article_cluster
from tests.conftest import wait_for
from tests.stories.factories import make_article, make_source


def wait_for_workers(count: int) -> None:
    wait_for(
        lambda: len(celery_app.control.ping(timeout=0.5)) >= count,
        timeout=60,
        message=f"{count} workers to answer a ping",
    )


def blocked_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_clustering_one_event_at_once_make_one_story(start_worker):
    """Guards the clustering lock: without it both workers see no story and each starts one.

    The test holds the document-count row that every placement updates last, so both workers
    are inside placement at the same moment before either can commit: the worst interleaving,
    made certain rather than left to chance.
    """
    TermFrequency.objects.create(term="", document_count=0)
    first = make_article("Pizza chain Sbarro files for bankruptcy", make_source())
    second = make_article("Pizza chain Sbarro files for bankruptcy again", make_source(), minutes=1)
    start_worker(queues="clustering")
    start_worker(queues="clustering")
    wait_for_workers(2)
    with transaction.atomic():
        TermFrequency.objects.select_for_update().get(term="")
        article_cluster.delay(first.id)
        article_cluster.delay(second.id)
        wait_for(lambda: blocked_sessions() >= 2, timeout=60, message="both workers to block")

    wait_for(
        lambda: not Article.objects.filter(story__isnull=True).exists(),
        timeout=90,
        message="both workers to place both articles",
    )
    assert Story.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_stores_figures_after_clustering(start_worker):
    article = make_article("Pizza chain Sbarro files for bankruptcy", make_source("lean_left"))
    start_worker(queues="clustering")
    article_cluster.delay(article.id)

    def refreshed() -> Story | None:
        return Story.objects.filter(articles=article, left_count=1).first()

    story = wait_for(refreshed, timeout=60, message="the story figures to be stored")
    assert story.figures["sentence"] == "100% of the rated sources are Left"


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_placing_an_article_that_loses_the_database_is_retried_and_completes(
    monkeypatch, error, eager_tasks, django_capture_on_commit_callbacks
):
    article = make_article("Harbor council approves the flood barrier", make_source())
    place = services.articles_cluster_waiting
    calls = []

    def loses_the_database_twice(**kwargs):
        calls.append(kwargs)
        if len(calls) <= 2:
            raise error("server closed the connection unexpectedly")
        return place(**kwargs)

    monkeypatch.setattr(services, "articles_cluster_waiting", loses_the_database_twice)

    with django_capture_on_commit_callbacks(execute=True):
        story_id = article_cluster.apply(args=[article.id]).get()

    article.refresh_from_db()
    assert article.story_id == story_id is not None
    assert Story.objects.get(pk=story_id).source_count == 1
    assert len(calls) == 3
