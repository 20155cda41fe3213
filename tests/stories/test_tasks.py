"""stories.tasks through the real broker and real worker processes."""

import pytest
from django.db import connection, transaction

from newsdesk.celery import app as celery_app
from stories.models import Article, Story, TermFrequency
from stories.tasks import article_cluster
from tests.conftest import wait_for
from tests.stories.factories import make_article, make_source

# Real headlines of one event (UCI News Aggregator, 10 March 2014).
SBARRO_HEADLINES = [
    "Pizza-maker Sbarro filing for Chapter 11",
    "Sbarro files for bankruptcy protection for the second time",
    "Pizza chain Sbarro files for bankruptcy",
    "Sbarro Files For Second Bankruptcy Protection",
    "Sbarro again files for Ch. 11 reorganization",
    "Sbarro files for 2nd bankruptcy in 3 years",
    "UPDATE 3-Pizza chain Sbarro files for bankruptcy protection",
    "Sbarro files for bankruptcy",
    "Pizza chain Sbarro files for bankruptcy again",
    "Sbarro again files for Chapter 11 reorganization",
    "Sbarro pizza chain files for bankruptcy again",
    "Rest-stop pizza chain Sbarro files for bankruptcy",
]


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
    articles = [
        make_article(title, make_source(), minutes=index)
        for index, title in enumerate(SBARRO_HEADLINES)
    ]
    start_worker(queues="clustering")
    start_worker(queues="clustering")
    wait_for_workers(2)
    with transaction.atomic():
        TermFrequency.objects.select_for_update().get(term="")
        article_cluster.delay(articles[0].id)
        article_cluster.delay(articles[1].id)
        wait_for(lambda: blocked_sessions() >= 2, timeout=60, message="both workers to block")
    for article in articles[2:]:
        article_cluster.delay(article.id)

    wait_for(
        lambda: not Article.objects.filter(story__isnull=True).exists(),
        timeout=90,
        message="both workers to place every article",
    )
    assert Story.objects.filter(merged_into__isnull=True).count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_stores_figures_after_clustering(start_worker):
    article = make_article(SBARRO_HEADLINES[0], make_source("lean_left"))
    start_worker(queues="clustering")
    article_cluster.delay(article.id)

    def refreshed() -> Story | None:
        return Story.objects.filter(articles=article, left_count=1).first()

    story = wait_for(refreshed, timeout=60, message="the story figures to be stored")
    assert story.figures["sentence"] == "100% of the sources are Left"
