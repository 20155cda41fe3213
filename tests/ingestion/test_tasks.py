"""The Celery tasks in a real worker process, through Redis, against the loopback server."""

import json
from datetime import timedelta

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from infra.tasks import MAX_RETRIES
from ingestion import services, tasks
from sources.models import FeedStatus
from stories.models import Article, ArticleStatus
from tests.conftest import wait_for

pytestmark = pytest.mark.worker

HOSTILE = {
    "/hostile/billion-laughs.xml": "EntitiesForbidden",
    "/hostile/gzip-bomb.xml": "too_large",
    "/hostile/to-metadata": "metadata",
    "/hostile/huge-undeclared.xml": "too_large",
}


@pytest.mark.django_db(transaction=True)
def test_a_worker_survives_hostile_feeds_and_then_ingests_a_real_one(
    test_server, start_worker, make_feed
):
    worker = start_worker(queues="feeds,articles", INGESTION_ALLOW_LOOPBACK="1")
    hostile = {make_feed(test_server.url(path)).id: expected for path, expected in HOSTILE.items()}
    good = make_feed(test_server.url("/generated/aeb.xml?n=2&offset=10"))

    for feed_id in hostile:
        tasks.feed_fetch.delay(feed_id)
    tasks.feed_fetch.delay(good.id)

    def extracted():
        articles = list(Article.objects.filter(feed=good))
        done = len(articles) == 2 and all(a.status != ArticleStatus.PENDING for a in articles)
        return articles if done else None

    articles = wait_for(extracted, timeout=90, message="both articles extracted")
    assert [a.status for a in articles] == [ArticleStatus.EXTRACTED] * 2
    for feed_id, expected in hostile.items():
        feed = good.__class__.objects.get(pk=feed_id)
        assert feed.status == FeedStatus.FAILING
        assert expected in feed.last_error
    assert worker.process.poll() is None  # still running


@pytest.mark.django_db(transaction=True)
def test_the_beat_tasks_poll_due_feeds_and_requeue_articles_whose_task_was_lost(
    test_server, start_worker, make_feed
):
    start_worker(queues="feeds,articles", INGESTION_ALLOW_LOOPBACK="1")
    due = make_feed(test_server.url("/generated/aeb.xml?n=1&offset=20"))
    lost = make_feed(test_server.url("/feeds/edge/heise.atom"), is_active=False)
    orphan = Article.objects.create(
        canonical_url=test_server.url("/pages/aeb/html/orphan"),
        url=test_server.url(f"/pages/aeb/html/{_aeb_id(test_server, 30)}.html"),
        source=lost.source,
        feed=lost,
        title="Queued before Redis lost its queue",
    )
    Article.objects.filter(pk=orphan.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    tasks.feed_enqueue_due.delay()
    tasks.article_requeue_stuck.delay()

    def settled():
        articles = list(Article.objects.filter(feed__in=[due, lost]))
        done = len(articles) == 2 and all(a.status != ArticleStatus.PENDING for a in articles)
        return articles if done else None

    articles = wait_for(settled, timeout=90, message="due feed polled and orphan extracted")
    assert {a.status for a in articles} == {ArticleStatus.EXTRACTED}


def _aeb_id(server, index: int) -> str:
    truth = json.loads((server.shared_data / "pages/aeb/ground-truth.json").read_text())
    return sorted(truth)[index]


@pytest.mark.django_db
def test_a_transient_feed_error_is_retried_then_recorded_once(server, make_feed):
    feed = make_feed(server.url("/status/500"))

    tasks.feed_fetch.apply(args=[feed.id])

    feed.refresh_from_db()
    assert server.hits("/status/500") == tasks.MAX_TRANSIENT_RETRIES + 1
    assert (feed.status, feed.consecutive_failures) == (FeedStatus.FAILING, 1)


@pytest.mark.django_db
def test_a_transient_page_error_is_retried_then_keeps_the_feed_summary(server, make_feed):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    article = Article.objects.get(canonical_url="https://news.example.org/two")
    Article.objects.filter(pk=article.pk).update(url=server.url("/status/500"))

    tasks.article_extract.apply(args=[article.id])

    article.refresh_from_db()
    assert article.status == ArticleStatus.FEED_ONLY
    assert "HTTP 500" in article.status_reason
    assert article.attempts == tasks.MAX_TRANSIENT_RETRIES + 1


@pytest.mark.django_db
def test_a_failing_picture_is_retried_then_recorded_and_its_article_left_as_it_was(
    server, make_feed
):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id)
    article = Article.objects.get(canonical_url="https://news.example.org/two")
    Article.objects.filter(pk=article.pk).update(
        image_url=server.url("/status/500"), status=ArticleStatus.EXTRACTED
    )

    tasks.image_fetch_for_article.apply(args=[article.id])

    article.refresh_from_db()
    assert server.hits("/status/500") == tasks.MAX_TRANSIENT_RETRIES + 1
    assert "HTTP 500" in article.image_error
    assert (article.status, article.image) == (ArticleStatus.EXTRACTED, "")


def test_picture_tasks_wait_on_their_own_queue():
    from newsdesk.celery import app

    for name in ("image_fetch_for_article", "image_fetch_favicon"):
        route = app.amqp.router.route({}, f"ingestion.tasks.{name}")
        assert route["queue"].name == "images"


def fails_first(times: int, service, error: type[Exception] = OperationalError):
    """``service``, except that its first ``times`` calls lose the database; calls are kept."""
    calls: list[dict] = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) <= times:
            raise error("server closed the connection unexpectedly")
        return service(**kwargs)

    flaky.calls = calls
    return flaky


def test_transient_fetch_errors_back_off_exponentially_from_30_seconds():
    countdowns = [tasks.transient_retry_countdown(n, jitter=0.5) for n in range(3)]

    assert countdowns == [30, 60, 120]


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_extraction_that_loses_the_database_is_retried_and_completes(
    server, make_feed, monkeypatch, error
):
    feed = make_feed(server.url("/generated/aeb.xml?n=1&offset=50"))
    services.feed_fetch(feed_id=feed.id, queue=False)
    article = Article.objects.get(feed=feed)
    flaky = fails_first(2, services.article_extract, error)
    monkeypatch.setattr(services, "article_extract", flaky)

    result = tasks.article_extract.apply(args=[article.id])

    article.refresh_from_db()
    assert (result.get(), article.status) == (ArticleStatus.EXTRACTED, ArticleStatus.EXTRACTED)
    assert len(flaky.calls) == 3


@pytest.mark.django_db
def test_a_feed_poll_that_loses_the_database_is_retried_and_completes(
    server, make_feed, monkeypatch
):
    feed = make_feed(server.url("/small.xml"))
    flaky = fails_first(1, services.feed_fetch)
    monkeypatch.setattr(services, "feed_fetch", flaky)

    result = tasks.feed_fetch.apply(args=[feed.id])

    feed.refresh_from_db()
    assert (result.get(), feed.status) == ("ok", FeedStatus.OK)
    assert Article.objects.filter(feed=feed).count() == 2


@pytest.mark.django_db
def test_an_extraction_gives_up_after_the_database_retries_and_stays_pending_for_the_sweep(
    server, make_feed, monkeypatch
):
    feed = make_feed(server.url("/small.xml"))
    services.feed_fetch(feed_id=feed.id, queue=False)
    article = Article.objects.filter(feed=feed).first()
    flaky = fails_first(10_000, services.article_extract)
    monkeypatch.setattr(services, "article_extract", flaky)

    result = tasks.article_extract.apply(args=[article.id])

    article.refresh_from_db()
    assert result.failed() and isinstance(result.result, OperationalError)
    assert len(flaky.calls) == MAX_RETRIES + 1
    assert article.status == ArticleStatus.PENDING
