"""Redis and PostgreSQL restarted in the middle of ingestion, with real worker processes.

The suite's shared servers are never restarted: each test runs on a private Redis and a
private PostgreSQL cluster (``tests/resilience/private_servers.py``), a fresh database per
test copied from one migrated template. The workers fetch real recorded feeds and pages from
the suite's loopback server; the test process reads the private database through a Django
connection alias of its own, and a real beat process runs the periodic sweeps where a test needs
them. The tests print how long recovery took after each restart (past pytest's capture).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

import environ
import pytest
import redis
from django.db import DEFAULT_DB_ALIAS, connections

from ingestion import tasks
from newsdesk.celery import app
from sources.models import Feed, Source
from stories.models import Article, ArticleStatus, Story, TermFrequency
from tests.conftest import wait_for
from tests.ingestion.conftest import test_server  # noqa: F401 (a fixture, re-exported)
from tests.resilience import payloads
from tests.resilience.conftest import HostileServer, send
from tests.resilience.private_servers import (
    BeatProcess,
    PrivatePostgres,
    PrivateRedis,
    WebProcess,
    manage,
    private_postgres,
    private_redis,
    services_env,
)

pytestmark = pytest.mark.worker

ALIAS = "private"
TEMPLATE_DATABASE = "newsdesk_template"
FEEDS = 3
ENTRIES_PER_FEED = 4
FINAL_STATUSES = {ArticleStatus.EXTRACTED, ArticleStatus.FEED_ONLY}
FIGURES_DRIFT = """
import json
from stories.services import stories_figures_drift
print(json.dumps(stories_figures_drift()))
"""
# "Task ingestion.tasks.article_extract[<id>] retry: Retry in 4s: OperationalError(...)"
RETRY_LINE = re.compile(
    r"Task (?P<task>ingestion\.tasks\.\w+)\[(?P<id>[\w-]+)\] retry: "
    r"Retry in (?P<seconds>\d+)s: (?:OperationalError|InterfaceError)"
)


@dataclass
class PrivateSite:
    """A fresh database on the private PostgreSQL, a private Redis, and ways to reach them."""

    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str

    @property
    def env(self) -> dict[str, str]:
        return services_env(database_url=self.database_url, redis_url=self.redis.url)

    def add_feeds(self, feed_urls: list[str]) -> list[Feed]:
        feeds = []
        for n, url in enumerate(feed_urls, start=1):
            source = Source.objects.using(ALIAS).create(
                name=f"Restart outlet {n}", slug=f"restart-outlet-{n}", domain=f"outlet{n}.test"
            )
            feeds.append(Feed.objects.using(ALIAS).create(source=source, url=url))
        return feeds

    def send(self, task, *args: object) -> None:
        """Queue ``task`` on the private broker (the test process's own broker is the suite's)."""
        with app.connection_for_write(self.redis.url) as connection:
            task.apply_async(args=args, connection=connection)

    def articles(self, feeds: list[Feed]) -> list[Article]:
        return list(Article.objects.using(ALIAS).filter(feed__in=feeds).order_by("id"))

    def reconnect(self) -> None:
        """Drop the test process's connection (after a PostgreSQL restart)."""
        connections[ALIAS].close()

    def figures_drift(self) -> list[int]:
        return json.loads(manage("shell", "--no-imports", "-c", FIGURES_DRIFT, env=self.env))


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    """One private cluster per module, with a migrated template database."""
    with private_postgres() as server:
        url = server.create_database(TEMPLATE_DATABASE)
        manage("migrate", "--noinput", env=services_env(database_url=url, redis_url=""))
        yield server


@pytest.fixture
def site(postgres: PrivatePostgres, django_db_blocker) -> Iterator[PrivateSite]:
    if not postgres.is_running():  # a previous test failed while it was stopped
        postgres.start()
    database_url = postgres.create_database(
        f"newsdesk_{uuid.uuid4().hex[:8]}", template=TEMPLATE_DATABASE
    )
    # configure_settings fills in Django's defaults; it insists on a "default" entry too.
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: {}, ALIAS: environ.Env.db_url_config(database_url)}
    )
    connections.settings[ALIAS] = configured[ALIAS]
    with private_redis() as redis_server, django_db_blocker.unblock():
        try:
            yield PrivateSite(postgres=postgres, redis=redis_server, database_url=database_url)
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]


@pytest.fixture
def beat(site: PrivateSite) -> Iterator[Callable[[], BeatProcess]]:
    """``beat()`` starts celery beat on the private servers; stopped after the test."""
    started: list[BeatProcess] = []

    def start() -> BeatProcess:
        started.append(BeatProcess(site.env))
        return started[-1]

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def web(site: PrivateSite) -> Iterator[WebProcess]:
    process = WebProcess(site.env)
    yield process
    process.stop()


def recorded_feeds(server) -> list[str]:
    """Feeds of real recorded pages (``/generated/aeb.xml``), none sharing an article."""
    return [
        server.url(f"/generated/aeb.xml?n={ENTRIES_PER_FEED}&offset={n * ENTRIES_PER_FEED}")
        for n in range(FEEDS)
    ]


def expected_guids(server, feeds: list[Feed]) -> dict[int, set[str]]:
    """Feed id → the ids of the recorded pages its entries link to (also their guids)."""
    ids = sorted(json.loads((server.shared_data / "pages/aeb/ground-truth.json").read_text()))
    return {
        feed.id: set(ids[n * ENTRIES_PER_FEED : (n + 1) * ENTRIES_PER_FEED])
        for n, feed in enumerate(feeds)
    }


def all_clustered(site: PrivateSite, feeds: list[Feed]) -> list[Article] | None:
    """Every article extracted and in a story, and every story refreshed since."""
    articles = site.articles(feeds)
    done = (
        len(articles) == FEEDS * ENTRIES_PER_FEED
        and all(
            article.status in FINAL_STATUSES and article.story_id is not None
            for article in articles
        )
        and not Story.objects.using(ALIAS).filter(refresh_requested_at__isnull=False).exists()
    )
    return articles if done else None


def assert_nothing_missing(site: PrivateSite, server, feeds: list[Feed]) -> None:
    articles = site.articles(feeds)
    guids_by_feed: dict[int, set[str]] = defaultdict(set)
    for article in articles:
        # The feeds' guids are bare page ids, which the parser resolves against the feed URL.
        guids_by_feed[article.feed_id].add(article.guid.rsplit("/", 1)[-1])
    assert guids_by_feed == expected_guids(server, feeds)
    assert {article.status for article in articles} <= FINAL_STATUSES
    assert all(article.story_id is not None for article in articles)
    live_stories = Story.objects.using(ALIAS).filter(merged_into__isnull=True)
    assert live_stories.filter(articles__isnull=True).count() == 0
    assert site.figures_drift() == []


def database_retries(log: str) -> dict[str, list[int]]:
    """Task id → the countdowns of its retries after database errors, in order."""
    delays: dict[str, list[int]] = defaultdict(list)
    for match in RETRY_LINE.finditer(log):
        delays[match["id"]].append(int(match["seconds"]))
    return delays


def backed_off(log: str) -> bool:
    """Whether some ingestion task retried at least twice, each time waiting longer."""
    return any(
        len(delays) >= 2 and all(a < b for a, b in pairwise(delays))
        for delays in database_retries(log).values()
    )


def assert_done_once(site: PrivateSite, feeds: list[Feed], *, in_flight: int = 0) -> None:
    """Every page downloaded once and every article placed once.

    ``in_flight`` pages may have been downloaded twice: an outage of the database between a
    download and the write of its text loses that text, so the retry must fetch the page again.
    """
    articles = site.articles(feeds)
    downloads = sorted(article.attempts for article in articles)
    assert downloads[0] == 1
    assert downloads[-1] <= 2
    assert sum(1 for count in downloads if count == 2) <= in_flight
    # A placement run twice would count its article twice.
    documents = TermFrequency.objects.using(ALIAS).get(term="").document_count
    assert documents == len(articles)


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Print a measured figure on the terminal, past pytest's capture."""
    with capsys.disabled():
        print(f"\n{line}")


def test_after_a_redis_restart_loses_the_queue_beat_brings_back_every_article_within_minutes(
    site: PrivateSite,
    web: WebProcess,
    beat: Callable[[], BeatProcess],
    test_server,  # noqa: F811 (the fixture imported above)
    start_worker,
    capsys: pytest.CaptureFixture[str],
):
    feeds = site.add_feeds(recorded_feeds(test_server))
    # No clustering worker yet: clustering tasks wait in Redis and are lost with it too.
    extractor = start_worker(queues="feeds,articles", **site.env)
    for feed in feeds:
        site.send(tasks.feed_fetch, feed.id)

    broker = redis.Redis.from_url(site.redis.url)

    def mid_ingestion() -> bool:
        # Every feed polled, some articles extracted (their placement queued), others queued.
        polled = len(site.articles(feeds)) == FEEDS * ENTRIES_PER_FEED
        return polled and broker.llen("clustering") >= 1 and broker.llen("articles") >= 2

    wait_for(mid_ingestion, timeout=90, message="all feeds polled, some articles extracted")
    site.redis.stop()
    # The page cache is away with Redis (and the web process holds no copy of its own yet):
    # the home page is rendered from the database.
    down = web.get("/")
    assert (down.status, "Traceback" in down.body) == (200, False)
    site.redis.start()
    restarted = time.monotonic()

    assert broker.llen("articles") == broker.llen("clustering") == 0
    assert any(a.status == ArticleStatus.PENDING for a in site.articles(feeds))
    start_worker(queues="clustering,default", **site.env)
    beat()
    wait_for(
        lambda: all_clustered(site, feeds),
        # Beat's first sweeps run a minute after it starts; the lost work is queued then.
        timeout=300,
        message=f"every article extracted and clustered\n{extractor.output()[-3000:]}",
    )
    recovered = time.monotonic() - restarted
    report(capsys, f"recovery after a Redis restart that lost the queues: {recovered:.0f} s")
    assert_nothing_missing(site, test_server, feeds)
    assert_done_once(site, feeds)
    assert "Connection to broker lost" in extractor.output()
    assert extractor.process.poll() is None


def test_a_postgres_restart_is_retried_with_backoff_and_the_site_recovers_by_itself(
    site: PrivateSite,
    web: WebProcess,
    test_server,  # noqa: F811 (the fixture imported above)
    start_worker,
    capsys: pytest.CaptureFixture[str],
):
    feeds = site.add_feeds(recorded_feeds(test_server))
    worker = start_worker(queues="feeds,articles,clustering,default", **site.env)
    for feed in feeds:
        site.send(tasks.feed_fetch, feed.id)

    def a_story_while_articles_wait() -> Story | None:
        pending = Article.objects.using(ALIAS).filter(status=ArticleStatus.PENDING).count()
        story = Story.objects.using(ALIAS).order_by("id").first()
        return story if story is not None and pending >= 3 else None

    story = wait_for(a_story_while_articles_wait, timeout=90, message="a story, articles pending")
    pages = ["/", f"/stories/{story.slug}/"]
    assert [web.get(page).status for page in pages] == [200, 200]
    web_pid = web.process.pid

    site.postgres.stop()
    for page in pages:
        # Pages re-read the database within RECHECK_SECONDS; until then their copy is served.
        response = wait_for(
            lambda page=page: (answer := web.get(page)).status == 503 and answer,
            timeout=30,
            message=f"503 from {page}",
        )
        assert "We'll be right back" in response.body
        assert "Traceback" not in response.body
        assert response.headers["Retry-After"] == "30"
    wait_for(
        lambda: backed_off(worker.output()),
        timeout=60,
        message=f"an ingestion task retried twice\n{worker.output()[-3000:]}",
    )
    site.postgres.start()
    restarted = time.monotonic()
    site.reconnect()

    wait_for(
        lambda: all_clustered(site, feeds),
        timeout=180,
        message=f"every article extracted and clustered\n{worker.output()[-3000:]}",
    )
    recovered = time.monotonic() - restarted
    report(capsys, f"recovery after a PostgreSQL restart: {recovered:.0f} s")
    assert_nothing_missing(site, test_server, feeds)
    # The worker runs one task at a time, so at most one page was mid-extraction at the stop.
    assert_done_once(site, feeds, in_flight=1)
    assert "raised unexpected" not in worker.output()  # no task gave up
    assert [web.get(page).status for page in pages] == [200, 200]
    assert web.process.pid == web_pid and web.process.poll() is None


def test_a_follow_up_queued_while_redis_is_down_is_published_once_redis_is_back(
    site: PrivateSite,
    hostile_server: HostileServer,
    start_worker,
):
    """A feed poll stores its entries, then queues their extraction: with Redis away at that
    moment, the poll retries the publishing instead of failing, and the tasks arrive."""
    release = threading.Event()
    asked = threading.Event()
    items = [
        payloads.item(link=hostile_server.url(f"/page/{n}"), title=f"Harbor story number {n}")
        for n in range(2)
    ]
    document = payloads.rss(items, link=hostile_server.base_url)

    def held_feed(handler) -> None:
        asked.set()
        release.wait(timeout=60)
        send(handler, document)

    [feed] = site.add_feeds([hostile_server.serve_raw("/held.xml", held_feed)])
    worker = start_worker(queues="feeds", **site.env)
    site.send(tasks.feed_fetch, feed.id)
    wait_for(asked.is_set, timeout=60, message="the worker to request the feed")

    site.redis.stop()
    release.set()
    wait_for(
        lambda: Article.objects.using(ALIAS).filter(feed=feed).count() == 2,
        timeout=30,
        message="the entries stored while Redis is down",
    )
    time.sleep(2)  # the poll is now publishing their extraction to a broker that is away
    site.redis.start()

    broker = redis.Redis.from_url(site.redis.url)
    wait_for(
        lambda: broker.llen("articles") == 2,
        timeout=60,
        message=f"both extractions queued\n{worker.output()[-3000:]}",
    )
    wait_for(
        lambda: Feed.objects.using(ALIAS).get(pk=feed.pk).last_success_at is not None,
        timeout=30,
        message="the poll recorded as a success",
    )
    assert "raised unexpected" not in worker.output()
