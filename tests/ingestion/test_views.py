"""The operator page."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sources.models import FeedStatus
from stories.models import Article

pytestmark = pytest.mark.urls("tests.ingestion.ops_urls")


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_user("ops", password="x", is_staff=True)
    client.force_login(user)
    return client


def test_the_ops_page_requires_staff(client, db):
    response = client.get("/ops/")

    assert response.status_code == 302


def test_the_ops_page_shows_each_feed_with_its_error_and_recent_articles(
    staff_client, make_feed, django_assert_max_num_queries
):
    failing = make_feed(
        "https://bad.example.org/feed.xml",
        status=FeedStatus.FAILING,
        last_error="blocked_address: refused bad.example.org: 10.0.0.1 is a private address",
        consecutive_failures=3,
    )
    good = make_feed("https://good.example.org/feed.xml", last_success_at=timezone.now())
    for n in range(3):
        Article.objects.create(
            canonical_url=f"https://good.example.org/{n}",
            url="u",
            source=good.source,
            feed=good,
            title="t",
        )

    with django_assert_max_num_queries(8):
        response = staff_client.get("/ops/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "10.0.0.1 is a private address" in body
    assert failing.source.name in body
    assert "1 failing" in body
    assert "<td>3</td>" in body


def test_the_query_count_does_not_grow_with_the_number_of_feeds(
    staff_client, make_feed, django_assert_max_num_queries
):
    for n in range(20):
        make_feed(f"https://o{n}.example.org/feed.xml")

    with django_assert_max_num_queries(8):
        staff_client.get("/ops/")


def test_the_ops_page_names_article_statuses_in_words(staff_client):
    body = staff_client.get("/ops/").content.decode()

    assert "Feed summary only" in body
    assert "feed_only" not in body


def test_in_embedded_mode_the_ops_page_says_there_is_no_queue(staff_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    body = staff_client.get("/ops/").content.decode()

    assert "Tasks run inside the web process" in body
    assert "<td>n/a</td>" not in body


def test_with_a_worker_broker_the_ops_page_counts_each_queues_waiting_tasks(staff_client, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs the Redis broker (set REDIS_URL)")
    from celery import current_app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    with current_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("feeds")
        # No worker listens in this test: the message waits.
        current_app.send_task("no.such.task", queue="feeds", connection=connection)
        try:
            body = staff_client.get("/ops/").content.decode()
        finally:
            connection.default_channel.queue_purge("feeds")

    assert "Tasks waiting" in body
    # Queues nothing was ever sent to count as empty, not as unknown.
    assert '<th scope="row">default</th><td>0</td>' in body
    assert '<th scope="row">feeds</th><td>1</td>' in body
