"""Workers killed mid-task, and two workers on the same feeds: the stories stay right.

Real ``celery worker`` processes (tests/conftest.py), the real Redis broker and PostgreSQL, and
recorded news pages (trafilatura's evaluation set in ``../shared/data``) served on loopback.
Two outlets publish the same three stories: the left one all three pages, the right one two of
them at its own addresses (syndicated copies of the same text), so the corpus has stories of
two outlets with a wire origin and a copy, and a story of one outlet.

With late acknowledgement a killed worker's task stays unacknowledged in Redis until the
visibility timeout (an hour); recovery comes from the database, through the beat sweeps
(``ingestion.services.articles_requeue_stuck`` and ``stories.services.stories_sweep_lost_work``),
which the tests run as beat would fifteen minutes later.

Each fault is caught at a point the test can prove: the page server holds the request until
the worker is killed; PostgreSQL locks held by the test stop the clustering worker inside the
placement transaction or inside the refresh that follows it, and ``pg_locks`` shows it waiting.
"""

from __future__ import annotations

import re
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from infra.locks import AdvisoryLock
from ingestion import http as ingestion_http
from ingestion import schedule
from ingestion import services as ingestion
from ingestion.tasks import article_extract, feed_fetch
from newsdesk.celery import app as celery_app
from sources.models import Feed
from stories import services as stories
from stories.models import Article, ArticleStatus, Story, StoryTerm, TermFrequency
from stories.tasks import article_cluster
from tests.conftest import SHARED_DATA, WorkerProcess, wait_for
from tests.resilience import payloads
from tests.resilience.conftest import HostileServer, send
from tests.stories.factories import make_source

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PAGES_DIR = SHARED_DATA / "pages" / "trafilatura_news" / "html"
# slug -> (recorded page, its headline as the outlet's feed gives it)
PAGES = {
    "telescope": (
        "nature.com.telescope.html",
        "Gigantic Chinese telescope opens to astronomers worldwide",
    ),
    "flint-tool": (
        "phys.org.tool.html",
        "Flint flake tool partially covered by birch tar adds to evidence of Neanderthal"
        " complex thinking",
    ),
    "parasite": (
        "reuters.com.parasite.html",
        "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
    ),
}
# outlet -> (bias, the pages its feed links, at its own addresses)
OUTLETS = {
    "left": ("left", ("telescope", "flint-tool", "parasite")),
    "right": ("right", ("telescope", "flint-tool")),
}
ARTICLE_COUNT = sum(len(slugs) for _bias, slugs in OUTLETS.values())
ALL_QUEUES = "feeds,articles,clustering"
WORKER_ENV = {"INGESTION_ALLOW_LOOPBACK": "1"}
# Generous: a worker waits a second between two requests to one host (politeness).
SETTLE_SECONDS = 90
LATER = timedelta(minutes=max(schedule.STUCK_ARTICLE_MINUTES, stories.LOST_WORK_MINUTES) + 1)
CLUSTER_DONE = re.compile(r"stories\.tasks\.article_cluster\[[^\]]+\] succeeded")
TASK_RESULT = re.compile(
    r"ingestion\.tasks\.article_extract\[[^\]]+\] succeeded in [\d.]+s: '(\w+)'"
)


# --- the outlets on loopback -----------------------------------------------------------------


@dataclass
class Outlets:
    server: HostileServer
    feeds: dict[str, Feed]

    def page_path(self, outlet: str, slug: str) -> str:
        return f"/{outlet}/{slug}"

    def feed_path(self, outlet: str) -> str:
        return f"/{outlet}.xml"


def _feed_document(server: HostileServer, outlet: str, slugs: tuple[str, ...]) -> bytes:
    # The left outlet publishes first, so its copies are the wire origins whatever the order
    # of extraction.
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    offset = 0 if outlet == "left" else 5
    items = [
        payloads.item(
            link=server.url(f"/{outlet}/{slug}"),
            title=PAGES[slug][1],
            guid=f"{outlet}-{slug}",
            pub_date=format_datetime(start + timedelta(minutes=offset + 10 * n), usegmt=True),
        )
        for n, slug in enumerate(slugs)
    ]
    return payloads.rss(items, channel_title=f"The {outlet} outlet", link=server.base_url)


def _page_responder(body: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: send(handler, body, content_type="text/html; charset=utf-8")


@pytest.fixture
def outlets(hostile_server: HostileServer) -> Outlets:
    """Both outlets' feeds and pages on the loopback server, and their Source and Feed rows."""
    feeds = {}
    for outlet, (bias, slugs) in OUTLETS.items():
        for slug in slugs:
            body = (PAGES_DIR / PAGES[slug][0]).read_bytes()
            hostile_server.serve_raw(f"/{outlet}/{slug}", _page_responder(body))
        url = hostile_server.serve(f"/{outlet}.xml", _feed_document(hostile_server, outlet, slugs))
        feeds[outlet] = Feed.objects.create(source=make_source(bias), url=url)
    return Outlets(server=hostile_server, feeds=feeds)


class Gate:
    """Holds the first ``parties`` requests for a path until all have arrived (a rendezvous)
    or until ``release()``; later requests are answered at once.

    ``arrived`` counts the requests seen, so a test knows a worker is inside that download.
    """

    def __init__(self, responder: Callable[[BaseHTTPRequestHandler], None], *, parties: int):
        self.responder = responder
        self.parties = parties
        self.arrived = 0
        self._released = threading.Event()
        self._lock = threading.Lock()

    def release(self) -> None:
        self._released.set()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.arrived += 1
            held = self.arrived <= self.parties
            if self.arrived >= self.parties:
                self._released.set()
        if held and not self._released.wait(timeout=60):
            return  # never released: the client gave up long ago
        self.responder(handler)


def gate(outlets: Outlets, path: str, *, parties: int) -> Gate:
    held = Gate(outlets.server.routes[path], parties=parties)
    outlets.server.serve_raw(path, held)
    return held


# --- broker and workers ----------------------------------------------------------------------


def _forget_host_slots() -> None:
    """A killed worker's per-host request slot expires on its own in 40 s; tests do not wait."""
    host = "127.0.0.1"
    cache.delete_many(
        [
            f"ingestion:host-slot:{host}:{n}"
            for n in range(ingestion_http.MAX_CONCURRENT_REQUESTS_PER_HOST)
        ]
    )


def _forget_broker_state() -> None:
    """Empty the queues and drop unacknowledged deliveries of killed workers, which Redis would
    otherwise hand to some worker of a later test session after the visibility timeout."""
    celery_app.control.purge()
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


@pytest.fixture
def workers(start_worker) -> Iterator[Callable[..., WorkerProcess]]:
    """``workers(queues)`` starts a worker allowed to fetch from loopback; every worker is
    stopped and the broker cleaned before the next test."""
    started: list[WorkerProcess] = []
    _forget_broker_state()
    _forget_host_slots()
    ingestion_http.clear_robots_cache()

    def start(queues: str = ALL_QUEUES) -> WorkerProcess:
        worker = start_worker(queues=queues, **WORKER_ENV)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill(signal.SIGTERM)
    _forget_broker_state()
    _forget_host_slots()


def wait_for_workers(count: int) -> None:
    wait_for(
        lambda: len(celery_app.control.ping(timeout=0.5)) >= count,
        timeout=60,
        message=f"{count} workers to answer a ping",
    )


def extraction_results(*logs: str) -> Counter[str]:
    """What every ``article_extract`` task returned, as the workers logged it."""
    return Counter(result for log in logs for result in TASK_RESULT.findall(log))


def kill(worker: WorkerProcess, sig: int = signal.SIGKILL) -> str:
    """Kill the worker (its whole process group); what it had logged."""
    log = worker.output()
    worker.kill(sig)
    return log


# --- what the database says -------------------------------------------------------------------


def lock_waits(where: str) -> int:
    """Sessions of other processes waiting for a lock described by ``where`` (on pg_locks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid() AND {where}"  # noqa: E501
        )
        return cursor.fetchone()[0]


def settled(count: int = ARTICLE_COUNT) -> bool:
    """Every article past extraction, every clusterable one in a story, no refresh waiting."""
    articles = list(Article.objects.values_list("status", "story_id"))
    return (
        len(articles) == count
        and all(status != ArticleStatus.PENDING for status, _ in articles)
        and all(
            story_id is not None
            for status, story_id in articles
            if status in stories.CLUSTERABLE_STATUSES
        )
        and not Story.objects.filter(
            merged_into__isnull=True, refresh_requested_at__isnull=False
        ).exists()
    )


def _settled_but(article_id: int) -> bool:
    """Everything settled except ``article_id``, still pending and outside any story."""
    others = Article.objects.exclude(pk=article_id)
    return (
        Article.objects.count() == ARTICLE_COUNT
        and not others.filter(status=ArticleStatus.PENDING).exists()
        and not others.filter(status__in=stories.CLUSTERABLE_STATUSES, story__isnull=True).exists()
        and not Story.objects.filter(refresh_requested_at__isnull=False).exists()
    )


def snapshot() -> dict[str, object]:
    """The outcome a reader sees, keyed by canonical URL (ids differ between runs)."""
    articles = {
        article.canonical_url: article
        for article in Article.objects.select_related("wire_origin", "story")
    }
    groups: dict[int, set[str]] = {}
    for url, article in articles.items():
        if article.story_id is not None:
            groups.setdefault(article.story_id, set()).add(url)
    figures = {
        frozenset(urls): Story.objects.get(pk=story_id).figures for story_id, urls in groups.items()
    }
    return {
        "articles": {
            url: (a.status, a.wire_origin.canonical_url if a.wire_origin else None)
            for url, a in articles.items()
        },
        "stories": set(figures),
        "figures": figures,
    }


def assert_each_article_extracted_and_placed_once() -> None:
    urls = list(Article.objects.values_list("canonical_url", flat=True))
    assert len(urls) == len(set(urls)) == ARTICLE_COUNT
    assert not Article.objects.filter(status=ArticleStatus.PENDING).exists()
    clustered = Article.objects.filter(status__in=stories.CLUSTERABLE_STATUSES)
    assert not clustered.filter(story__isnull=True).exists()
    # Every placement counts the article once in the document-frequency table: a placement
    # run twice would count it twice.
    assert TermFrequency.objects.get(term="").document_count == clustered.count()
    live = Story.objects.filter(merged_into__isnull=True)
    for story in live:
        assert story.article_count == story.articles.count() > 0
    assert sum(story.article_count for story in live) == clustered.count()
    assert stories.stories_figures_drift() == []


def in_process_reference() -> dict[str, object]:
    """The outlets ingested by the services in this process, one step after another."""
    for feed in Feed.objects.order_by("id"):
        ingestion.feed_fetch(feed_id=feed.id, queue=False)
    for article_id in Article.objects.order_by("id").values_list("id", flat=True):
        ingestion.article_extract(article_id=article_id)
    for article in Article.objects.filter(status__in=stories.CLUSTERABLE_STATUSES).order_by(
        "published_at", "id"
    ):
        if article.story_id is None:
            stories.story_refresh(story_id=stories.article_cluster(article_id=article.id))
    # The services queued follow-up tasks on the broker; nobody consumes them here.
    celery_app.control.purge()
    assert_each_article_extracted_and_placed_once()
    return snapshot()


def forget_ingested() -> None:
    Article.objects.all().delete()
    Story.objects.all().delete()
    StoryTerm.objects.all().delete()
    TermFrequency.objects.all().delete()


# --- the faults ------------------------------------------------------------------------------


def test_a_worker_killed_while_downloading_a_page_leaves_every_article_extracted_once(
    outlets, workers
):
    stalled_path = outlets.page_path("left", "parasite")
    # Held until release(): no second download of it comes before then.
    stall = gate(outlets, stalled_path, parties=2)
    first = workers()

    for feed in outlets.feeds.values():
        feed_fetch.delay(feed.id)
    wait_for(lambda: stall.arrived == 1, timeout=60, message="the worker to request the page")
    stalled = Article.objects.get(url=outlets.server.url(stalled_path))
    assert (stalled.status, stalled.attempts) == (ArticleStatus.PENDING, 1)
    first_log = kill(first)
    stall.release()
    second = workers()

    # The new worker does everything still queued; the killed task is not redelivered.
    wait_for(
        lambda: _settled_but(stalled.id),
        timeout=SETTLE_SECONDS,
        message="the new worker to finish the queued work",
    )
    assert Article.objects.get(pk=stalled.pk).status == ArticleStatus.PENDING
    # Beat's sweeps, as they run a quarter of an hour later.
    later = timezone.now() + LATER
    requeued, _given_up = ingestion.articles_requeue_stuck(now=later)
    assert requeued == [stalled.id]
    stories.stories_sweep_lost_work(now=later)
    wait_for(settled, timeout=SETTLE_SECONDS, message="the stalled article to be recovered")

    assert_each_article_extracted_and_placed_once()
    stalled.refresh_from_db()
    assert (stalled.status, stalled.attempts) == (ArticleStatus.EXTRACTED, 2)
    assert outlets.server.hits[stalled_path] == 2
    results = extraction_results(first_log, second.output())
    assert results["extracted"] == ARTICLE_COUNT, results


def test_workers_killed_while_clustering_leave_every_article_in_one_story_after_the_sweep(
    outlets, workers
):
    extractor = workers(queues="feeds,articles")
    for feed in outlets.feeds.values():
        feed_fetch.delay(feed.id)
    wait_for(
        lambda: (
            Article.objects.count() == ARTICLE_COUNT
            and not Article.objects.filter(status=ArticleStatus.PENDING).exists()
        ),
        timeout=SETTLE_SECONDS,
        message="every article extracted (placements wait in their queue)",
    )
    extractor.kill(signal.SIGTERM)

    # 1. Inside placement: the worker waits for the clustering lock the test holds.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AdvisoryLock.CLUSTERING])
        inside = workers(queues="clustering")
        wait_for(
            lambda: lock_waits("locktype = 'advisory'"),
            timeout=60,
            message="the worker to wait for the clustering lock",
        )
        inside.kill(signal.SIGKILL)

    # 2. Between placement and refresh: placing never reads the outlets, refreshing does, so
    # with the outlets' table locked the worker places every article left (each story's
    # refresh queued a few seconds later) and then waits inside the first refresh.
    clusterable = Article.objects.filter(status__in=stories.CLUSTERABLE_STATUSES)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE sources_source IN ACCESS EXCLUSIVE MODE")
        between = workers(queues="clustering")
        wait_for(
            lambda: lock_waits("relation = 'sources_source'::regclass"),
            timeout=60,
            message="the worker to wait inside a refresh",
        )
        between.kill(signal.SIGKILL)
    # The article whose task died with the first worker was waiting with the others, so the
    # second worker's first batch placed it: no placement is left for the sweep.
    assert not clusterable.filter(story__isnull=True).exists()
    placed_stories = set(clusterable.values_list("story_id", flat=True))
    # No refresh ran: every story's figures are stale, and each still asks for its refresh.
    assert set(stories.stories_figures_drift()) == placed_stories
    assert (
        set(Story.objects.filter(refresh_requested_at__isnull=False).values_list("id", flat=True))
        == placed_stories
    )

    # A new worker finds nothing queued: the killed workers held the tasks.
    workers(queues="clustering")
    stories.stories_sweep_lost_work(now=timezone.now() + LATER)
    wait_for(settled, timeout=SETTLE_SECONDS, message="the sweep's work to be done")

    assert_each_article_extracted_and_placed_once()


def test_two_workers_on_duplicate_feed_tasks_make_the_stories_one_process_makes(outlets, workers):
    expected = in_process_reference()
    forget_ingested()
    ingestion_http.clear_robots_cache()
    outlets.server.hits.clear()
    # Both fetches of the left feed are answered together, so both workers upsert its entries
    # at once and each queues their extraction; both downloads of one of its pages are
    # answered together too, so two workers extract that article at the same time.
    feed_gate = gate(outlets, outlets.feed_path("left"), parties=2)
    page_gate = gate(outlets, outlets.page_path("left", "telescope"), parties=2)
    first, second = workers(), workers()
    wait_for_workers(2)

    for feed in outlets.feeds.values():
        feed_fetch.delay(feed.id)
        feed_fetch.delay(feed.id)  # beat's duplicate
    wait_for(
        lambda: settled() and all(outlets.server.hits[outlets.feed_path(o)] == 2 for o in OUTLETS),
        timeout=SETTLE_SECONDS,
        message="both workers to finish",
    )

    assert feed_gate.arrived == 2
    assert page_gate.arrived == 2
    assert_each_article_extracted_and_placed_once()
    assert snapshot() == expected
    results = extraction_results(first.output(), second.output())
    assert results["extracted"] == ARTICLE_COUNT, results
    assert results["skipped"] >= 1, results

    # Stray placements (a sweep racing a backed-up queue) change nothing. Each article was
    # placed by one task; two more each now.
    clusterable = list(
        Article.objects.filter(status__in=stories.CLUSTERABLE_STATUSES).values_list("id", flat=True)
    )
    for article_id in clusterable * 2:
        article_cluster.delay(article_id)
    wait_for(
        lambda: (
            sum(len(CLUSTER_DONE.findall(w.output())) for w in (first, second))
            == 3 * len(clusterable)
            and settled()
        ),
        timeout=SETTLE_SECONDS,
        message="the stray placements to run",
    )
    assert_each_article_extracted_and_placed_once()
    assert snapshot() == expected


def test_two_workers_storing_syndicated_copies_at_once_make_one_the_wire_copy_of_the_other(
    outlets, workers
):
    """Guards the store lock of ingestion.services: a copy is linked to its wire origin by
    comparing it with the committed texts, so two copies stored at the same moment would each
    miss the other and both count as origins (two origins instead of one in the figures).

    The test holds that lock until both workers have downloaded and extracted their copy and
    wait to store it: the worst interleaving, made certain.
    """
    for feed in outlets.feeds.values():
        ingestion.feed_fetch(feed_id=feed.id, queue=False)
    left, right = (
        Article.objects.get(url=outlets.server.url(outlets.page_path(outlet, "telescope")))
        for outlet in ("left", "right")
    )
    workers(queues="articles")
    workers(queues="articles")
    wait_for_workers(2)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AdvisoryLock.EXTRACTION_STORE])
        article_extract.delay(right.id)
        article_extract.delay(left.id)
        wait_for(
            lambda: lock_waits("locktype = 'advisory'") == 2,
            timeout=60,
            message="both workers to wait to store their copy",
        )

    wait_for(
        lambda: (
            Article.objects.filter(
                pk__in=[left.pk, right.pk], status=ArticleStatus.EXTRACTED
            ).count()
            == 2
        ),
        timeout=SETTLE_SECONDS,
        message="both copies stored",
    )
    left.refresh_from_db()
    right.refresh_from_db()
    assert (left.wire_origin_id, right.wire_origin_id) == (None, left.id)
