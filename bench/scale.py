"""The pipeline after extraction at 100k and 1M stored articles, through real Celery workers.

    .venv/bin/python bench/scale.py [--sizes 100000,1000000] [--workers 1,2,4] [--articles N]
                                    [--retention] [--keep] [--reuse]

What it does, on its own PostgreSQL database (``BENCH_SCALE_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/newsdesk_scale_bench``, dropped and created again) and
Redis (``BENCH_SCALE_REDIS_URL``, default ``redis://127.0.0.1:6379/10``, its queues purged):

1. The seed: the entries of the 20 real outlet feeds in ``../shared/data/feeds/outlets``
   published in their last ``SEED_DAYS`` days, one outlet per feed, are placed in stories
   by the real services (``article_cluster``, ``story_refresh``), so stories, their
   clustering state, the term index and the document frequencies are what production makes.
2. The fill: the seed's articles, stories and index rows are copied again and again, each
   copy moved ``SHIFT`` further into the past (longer than the seed's span plus both sides of
   the wire and clustering windows, so no two copies ever share a window) until the database
   holds the size asked for; rows go in with PostgreSQL's COPY.
3. The measure, for each worker count: a fresh copy of the seed (``--articles`` of it) is
   stored as pending articles in a window of its own, one ``article_extract`` task is queued
   per article in publication order, and a real ``celery worker`` with that many prefork
   processes runs them and what they queue (store + wire lookup, placement, refresh). Their
   pages are on a loopback address the fetcher refuses, so each article takes the
   feed-text path: the store under its lock and the wire lookup, without the download and
   trafilatura (measured by ``bench/ingest.py``; it scales with workers).

Printed per size and worker count: articles/s from the first task queued to the last story
refreshed, p50/p99 run time of each task (from the worker's log), p50/p99 time from an
article's task being queued to its placement, and lock waits (PostgreSQL sessions seen waiting
for a lock, sampled every 20 ms: session-seconds, by kind). Then, in this process, the time
per article of one placement at a time and of the placement task's batches (how long the
clustering lock is held per article either way), and of a refresh of a 500-article story.
The last line is
``scale 4 workers at 1M: N articles/s, cost 1M/100k = R`` (R: seconds per article at 1M over
seconds per article at 100k, with the most workers measured).

``--keep`` leaves the database in place; ``--reuse`` measures again on the database a
``--keep`` run left (its seed and copies as they are, filled further when a size asks for
more), so a change to the tasks is measured without placing the seed and filling again.

``--retention`` then runs ``manage.py drop_old_text`` on the biggest database and prints the
table sizes before and after. The machine's cores are shared: figures are noisy, and a run at
1M takes about half an hour (most of it the fill).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_scale_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
# $NEWSDESK_SHARED_DATA, else ../shared/data beside the checkout, else the workplace's copy.
SHARED_DATA = next(
    (
        Path(candidate)
        for candidate in (
            os.environ.get("NEWSDESK_SHARED_DATA", ""),
            REPO_ROOT.parent / "shared" / "data",
            "/work/shared/data",
        )
        if candidate and Path(candidate).is_dir()
    ),
    REPO_ROOT.parent / "shared" / "data",
)
FEEDS_DIR = SHARED_DATA / "feeds" / "outlets"
# Most of the outlet feeds were saved on 17-18 February 2026; their last ten days hold most
# entries and make a realistic day-by-day stream.
SEED_DAYS = 10
# Ids of copies are the seed's plus a multiple of this (far above the seed's own ids).
ID_STRIDE = 10_000
# Unreachable for the fetcher: loopback is refused, so the feed's text is stored at once.
REFUSED_PAGE_BASE = "http://127.0.0.1:9/scale-bench"
LOCK_SAMPLE_SECONDS = 0.02
# The story size the refresh target is stated for.
REFRESHED_STORY_ARTICLES = 500
TASK_DONE = re.compile(r"Task (?P<task>[\w.]+)\[(?P<id>[\w-]+)\] succeeded in (?P<s>[\d.]+)s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="stored articles, ascending")
    parser.add_argument("--workers", default="1,2,4", help="worker processes to measure")
    parser.add_argument(
        "--articles", type=int, default=0, help="new articles per measure (default: the seed)"
    )
    parser.add_argument("--retention", action="store_true", help="measure drop_old_text too")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the database a --keep run left"
    )
    return parser.parse_args()


# --- setup ----------------------------------------------------------------------------------


def recreate_database(database_url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(database_url)
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def worker_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "scale-bench",
        "DJANGO_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.scale_settings",
    }


# --- the seed -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedEntry:
    feed: str
    title: str
    summary: str
    description: str
    author: str
    canonical_url: str
    published_at: datetime


def read_seed() -> list[SeedEntry]:
    from django.utils import timezone

    from ingestion.feeds import parse_feed

    entries = []
    for path in sorted(FEEDS_DIR.glob("*.xml")):
        document = parse_feed(path.read_bytes(), now=timezone.now())
        for entry in document.entries:
            if entry.published_at is not None and entry.title:
                entries.append(
                    SeedEntry(
                        feed=path.name.split(".")[0],
                        title=entry.title,
                        summary=entry.summary,
                        description=entry.description,
                        author=entry.author,
                        canonical_url=entry.canonical_url,
                        published_at=entry.published_at,
                    )
                )
    latest = max(entry.published_at for entry in entries)
    entries = [e for e in entries if e.published_at > latest - timedelta(days=SEED_DAYS)]
    return sorted(entries, key=lambda e: (e.published_at, e.canonical_url))


def seed_sources(feeds: list[str]) -> dict[str, int]:
    from sources.models import Source
    from sources.scales import BiasLabel

    biases = [label for label in BiasLabel.values if label != BiasLabel.UNRATED]
    ids = {}
    for n, feed in enumerate(sorted(set(feeds))):
        source = Source.objects.create(
            name=feed,
            slug=feed.replace("_", "-"),
            domain=f"{feed}.scale-bench.example",
            bias=biases[n % len(biases)],
        )
        ids[feed] = source.id
    return ids


def new_articles(
    entries: list[SeedEntry],
    sources: dict[str, int],
    *,
    shift: timedelta,
    tag: str,
    status: str,
) -> list[int]:
    """The entries as articles ``shift`` away from their real time; their ids, in order."""
    from ingestion.fingerprint import lead_fingerprint, simhash
    from stories.models import Article

    rows = [
        Article(
            canonical_url=f"{REFUSED_PAGE_BASE}/{tag}/{n}",
            url=f"{REFUSED_PAGE_BASE}/{tag}/{n}",
            source_id=sources[entry.feed],
            title=entry.title,
            feed_summary=entry.summary,
            description=entry.description,
            author=entry.author,
            published_at=entry.published_at + shift,
            status=status,
            text_fingerprint=simhash(entry.summary) if status != "pending" else None,
            lead_fingerprint=lead_fingerprint(entry.summary) if status != "pending" else None,
        )
        for n, entry in enumerate(entries)
    ]
    return [article.id for article in Article.objects.bulk_create(rows, batch_size=500)]


def cluster_seed(article_ids: list[int]) -> None:
    """Place and refresh the seed in this process, through the real services."""
    from stories import services

    touched = set()
    for article_id in article_ids:
        story_id = services.article_cluster(article_id=article_id)
        if story_id is not None:
            touched.add(story_id)
    for story_id in sorted(touched):
        services.story_refresh(story_id=story_id)


# --- the fill -------------------------------------------------------------------------------


@dataclass
class Seed:
    """The seed's rows, ready to copy: column names and tuples per table."""

    span: timedelta
    shift: timedelta
    articles: tuple[list[str], list[tuple]] = ((), ())  # type: ignore[assignment]
    stories: tuple[list[str], list[tuple]] = ((), ())  # type: ignore[assignment]
    terms: tuple[list[str], list[tuple]] = ((), ())  # type: ignore[assignment]
    states: dict[int, dict[str, Any]] = field(default_factory=dict)
    frequencies: dict[str, int] = field(default_factory=dict)
    copies: int = 0

    @property
    def size(self) -> int:
        return len(self.articles[1])


def read_rows(model) -> tuple[list[str], list[tuple]]:
    from django.db import connection

    columns = [f.column for f in model._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {model._meta.db_table} ORDER BY id")
        return columns, cursor.fetchall()


def load_seed(entries: list[SeedEntry]) -> Seed:
    from ingestion.fingerprint import WIRE_WINDOW_HOURS
    from stories.clustering import CLUSTER_WINDOW_HOURS
    from stories.models import Article, Story, StoryTerm, TermFrequency

    span = entries[-1].published_at - entries[0].published_at
    margin = timedelta(hours=2 * max(WIRE_WINDOW_HOURS, CLUSTER_WINDOW_HOURS))
    seed = Seed(span=span, shift=span + margin + timedelta(days=1))
    seed.articles = read_rows(Article)
    seed.stories = read_rows(Story)
    seed.terms = read_rows(StoryTerm)
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("article", "story", "storyterm", "termfrequency"):
            cursor.execute(
                f"CREATE TABLE scale_bench_seed_{table} AS SELECT * FROM stories_{table}"
            )
        cursor.execute(
            "ALTER TABLE scale_bench_seed_termfrequency RENAME TO scale_bench_seed_frequency"
        )
    seed.frequencies = dict(TermFrequency.objects.values_list("term", "document_count"))
    return seed


def save_progress(seed: Seed, *, batch: int = 0) -> None:
    """What a ``--reuse`` run needs beyond the seed tables: the copies made so far, the shift
    between them, and the last measure's window (each measure takes the next one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS scale_bench_progress"
            " (copies integer, shift_seconds double precision, span_seconds double precision,"
            " batch integer)"
        )
        cursor.execute("SELECT batch FROM scale_bench_progress")
        row = cursor.fetchone()
        cursor.execute("DELETE FROM scale_bench_progress")
        cursor.execute(
            "INSERT INTO scale_bench_progress VALUES (%s, %s, %s, %s)",
            [
                seed.copies,
                seed.shift.total_seconds(),
                seed.span.total_seconds(),
                max(batch, row[0] if row else 0),
            ],
        )


def reload_seed() -> tuple[Seed, int]:
    """The seed a ``--keep`` run left, and the last measure window it used."""
    from django.db import connection

    from stories.models import Article, Story, StoryTerm

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT copies, shift_seconds, span_seconds, batch FROM scale_bench_progress"
        )
        copies, shift, span, batch = cursor.fetchone()
        seed = Seed(span=timedelta(seconds=span), shift=timedelta(seconds=shift), copies=copies)
        for attribute, model, table in (
            ("articles", Article, "article"),
            ("stories", Story, "story"),
            ("terms", StoryTerm, "storyterm"),
        ):
            columns = [f.column for f in model._meta.concrete_fields]
            cursor.execute(f"SELECT {', '.join(columns)} FROM scale_bench_seed_{table}")
            setattr(seed, attribute, (columns, cursor.fetchall()))
    return seed, batch


# Copies made by one INSERT … SELECT (a progress line after each).
COPIES_PER_STATEMENT = 100


def _copy_expressions(columns: list[str], moved: dict[str, str]) -> str:
    return ", ".join(moved.get(column, f"s.{column}") for column in columns)


def fill(seed: Seed, target: int) -> None:
    """Add copies of the seed until the database holds ``target`` articles.

    The copies are made inside PostgreSQL (INSERT … SELECT over ``generate_series``): rows
    written with COPY from this process cost 0.65 s per copy of the seed (with its 13k index
    rows), 25 minutes for a million articles; in PostgreSQL a copy takes a few milliseconds.
    """
    from django.db import connection

    wanted = max(0, -(-target // seed.size) - 1 - seed.copies)
    if not wanted:
        return
    shift = "k * make_interval(secs => %(shift)s)"
    story_times = ("first_seen_at", "last_updated_at", "refresh_requested_at")
    moved_story = {
        "id": "s.id + k * %(stride)s",
        "slug": "s.slug || '-' || k",
        "merged_into_id": "s.merged_into_id + k * %(stride)s",
        **{name: f"s.{name} - {shift}" for name in story_times},
        "cluster_state": f"""CASE WHEN s.cluster_state ? 'last_active_at' THEN
            s.cluster_state || jsonb_build_object(
              'first_active_at',
              to_jsonb((s.cluster_state->>'first_active_at')::timestamptz - {shift}),
              'last_active_at',
              to_jsonb((s.cluster_state->>'last_active_at')::timestamptz - {shift}),
              'member_times', COALESCE((
                SELECT jsonb_agg(to_jsonb(at::timestamptz - {shift}))
                FROM jsonb_array_elements_text(s.cluster_state->'member_times') AS at
              ), '[]'::jsonb))
            ELSE s.cluster_state END""",
    }
    article_times = ("published_at", "created_at", "updated_at", "clustered_at")
    moved_article = {
        "id": "s.id + k * %(stride)s",
        "canonical_url": "s.canonical_url || '?copy=' || k",
        "url": "s.canonical_url || '?copy=' || k",
        "story_id": "s.story_id + k * %(stride)s",
        "wire_origin_id": "s.wire_origin_id + k * %(stride)s",
        **{name: f"s.{name} - {shift}" for name in article_times},
    }
    moved_term = {
        "id": "s.id + k * %(stride)s * 100",
        "story_id": "s.story_id + k * %(stride)s",
        "last_active_at": f"s.last_active_at - {shift}",
    }
    tables = (
        ("stories_story", seed.stories[0], moved_story),
        ("stories_article", seed.articles[0], moved_article),
        ("stories_storyterm", seed.terms[0], moved_term),
    )
    started = time.perf_counter()
    first = seed.copies + 1
    last = seed.copies + wanted
    with connection.cursor() as cursor:
        # Copies point only at rows of their own copy: no foreign-key check per row.
        cursor.execute("SET session_replication_role = replica")
        for low in range(first, last + 1, COPIES_PER_STATEMENT):
            high = min(last, low + COPIES_PER_STATEMENT - 1)
            for table, columns, moved in tables:
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)})"
                    f" SELECT {_copy_expressions(columns, moved)}"
                    f" FROM scale_bench_seed_{table.split('_', 1)[1]} s"
                    " CROSS JOIN generate_series(%(low)s::bigint, %(high)s::bigint) AS k",
                    {
                        "low": low,
                        "high": high,
                        "stride": ID_STRIDE,
                        "shift": seed.shift.total_seconds(),
                    },
                )
            print(f"  … {high} copies ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        seed.copies = last
        # Every copy counts in the document frequencies as the seed does.
        cursor.execute(
            "UPDATE stories_termfrequency t SET document_count = s.document_count * %s"
            " FROM scale_bench_seed_frequency s WHERE s.term = t.term",
            [seed.copies + 1],
        )
        # New rows (the measures') take ids above every copy a later fill may add.
        top = (seed.copies + 3000) * ID_STRIDE
        for table, factor in (
            ("stories_article", 1),
            ("stories_story", 1),
            ("stories_storyterm", 100),
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [top * factor]
            )
        cursor.execute("ANALYZE")
    save_progress(seed)
    print(f"  filled {wanted} copies in {time.perf_counter() - started:.0f} s", flush=True)


def article_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM stories_article")
        return cursor.fetchone()[0]


# --- the measure ----------------------------------------------------------------------------


class LockSampler(threading.Thread):
    """Counts, every LOCK_SAMPLE_SECONDS, the sessions waiting for a lock, by kind."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.database_url = database_url
        self.stop_event = threading.Event()
        self.samples: Counter[str] = Counter()
        self.rounds = 0

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            while not self.stop_event.is_set():
                rows = connection.execute(
                    "SELECT wait_event, count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    " GROUP BY wait_event"
                ).fetchall()
                for kind, count in rows:
                    self.samples[kind] += count
                self.rounds += 1
                time.sleep(LOCK_SAMPLE_SECONDS)

    def seconds(self) -> dict[str, float]:
        return {kind: n * LOCK_SAMPLE_SECONDS for kind, n in self.samples.items()}


@dataclass
class Measure:
    size: int
    workers: int
    articles: int
    seconds: float
    task_seconds: dict[str, list[float]]
    placement_latency: list[float]
    lock_seconds: dict[str, float]
    stories: int

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_worker(processes: int, env: dict[str, str], log) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "newsdesk",
            "worker",
            "--pool=prefork",
            f"--concurrency={processes}",
            "-Q",
            "articles,clustering,default",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"scale-bench-{processes}@%h",
            "--loglevel=INFO",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.seek(0)
        if " ready." in log.read():
            return process
        time.sleep(0.2)
    raise RuntimeError("the worker did not start")


def measure(
    *,
    size: int,
    processes: int,
    batch: int,
    entries: list[SeedEntry],
    seed: Seed,
    sources: dict[str, int],
    database_url: str,
    env: dict[str, str],
) -> Measure:
    from django.db import connection

    from ingestion.tasks import article_extract
    from newsdesk.celery import app
    from stories.models import Article, Story

    app.control.purge()
    # A window of its own, after the seed's (copies go back in time, measures forward).
    ids = new_articles(
        entries, sources, shift=seed.shift * batch, tag=f"measure-{batch}", status="pending"
    )
    connection.close()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed below, after the parse)
    worker = start_worker(processes, env, log)
    sampler = LockSampler(database_url)
    queued_at: dict[int, float] = {}
    started = time.time()
    sampler.start()
    for article_id in ids:
        queued_at[article_id] = time.time()
        article_extract.delay(article_id)
    articles = Article.objects.filter(id__in=ids)
    while True:
        time.sleep(0.2)
        if articles.filter(story__isnull=True).exists():
            continue
        story_ids = set(articles.values_list("story_id", flat=True))
        if not Story.objects.filter(id__in=story_ids, refresh_requested_at__isnull=False).exists():
            break
    finished = time.time()
    sampler.stop_event.set()
    sampler.join()
    placed = dict(articles.values_list("id", "clustered_at"))
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=60)
    log.seek(0)
    task_seconds: dict[str, list[float]] = defaultdict(list)
    for match in TASK_DONE.finditer(log.read()):
        task_seconds[match["task"].rsplit(".", 1)[-1]].append(float(match["s"]))
    log.close()
    return Measure(
        size=size,
        workers=processes,
        articles=len(ids),
        seconds=finished - started,
        task_seconds=dict(task_seconds),
        placement_latency=[placed[i].timestamp() - queued_at[i] for i in ids if placed[i]],
        lock_seconds=sampler.seconds(),
        stories=len(set(articles.values_list("story_id", flat=True))),
    )


def report(result: Measure) -> None:
    tasks = "  ".join(
        f"{name} p50 {1000 * percentile(v, 50):.0f} ms p99 {1000 * percentile(v, 99):.0f} ms"
        f" (n={len(v)})"
        for name, v in sorted(result.task_seconds.items())
    )
    locks = ", ".join(f"{kind} {s:.1f}" for kind, s in sorted(result.lock_seconds.items()))
    worker_seconds = result.workers * result.seconds
    waited = sum(result.lock_seconds.values())
    print(
        f"{result.size:>9,} stored, {result.workers} workers: {result.articles} articles in "
        f"{result.seconds:.1f} s = {result.rate:.1f} articles/s ({result.stories} stories)\n"
        f"    tasks: {tasks}\n"
        f"    queued → placed: p50 {percentile(result.placement_latency, 50):.2f} s"
        f" p99 {percentile(result.placement_latency, 99):.2f} s\n"
        f"    lock waits: {waited:.1f} session-s ({100 * waited / worker_seconds:.0f}% of"
        f" worker time){': ' + locks if locks else ''}",
        flush=True,
    )


def placement_times(
    entries: list[SeedEntry], seed: Seed, sources: dict[str, int], batch: int
) -> list[float]:
    """Seconds of each ``article_cluster`` (no refresh) over a fresh copy of the seed, one
    after another in this process: about how long each holds the clustering lock, which
    every worker takes in turn, so 1 / median bounds placements per second for the fleet."""
    from stories import services

    ids = new_articles(
        entries, sources, shift=seed.shift * batch, tag=f"placement-{batch}", status="feed_only"
    )
    times = []
    for article_id in ids:
        started = time.perf_counter()
        services.article_cluster(article_id=article_id)
        times.append(time.perf_counter() - started)
    return times


def batch_placement_times(
    entries: list[SeedEntry], seed: Seed, sources: dict[str, int], batch: int
) -> list[float]:
    """Seconds per article of the placement task's batches (``articles_cluster_waiting``, up
    to ``PLACEMENT_BATCH`` articles under one hold of the clustering lock) over a fresh copy of
    the seed waiting together, one batch after another in this process: 1 / median bounds
    the placements per second of all workers when articles arrive faster than one placement."""
    from stories import services
    from stories.models import Article

    ids = new_articles(
        entries, sources, shift=seed.shift * batch, tag=f"batches-{batch}", status="feed_only"
    )
    waiting = Article.objects.filter(id__in=ids, story__isnull=True)
    times = []
    while first := waiting.order_by("updated_at", "id").values_list("id", flat=True).first():
        before = waiting.count()
        started = time.perf_counter()
        services.articles_cluster_waiting(article_id=first)
        elapsed = time.perf_counter() - started
        placed = before - waiting.count()
        times.extend([elapsed / placed] * placed)
    return times


def refresh_times(story_size: int, repeat: int = 5) -> list[float]:
    """Seconds of ``story_refresh`` on a story of ``story_size`` stored articles: the first
    run in this process (nothing cached), then ``repeat`` more."""
    from stories import services
    from stories.models import Article, Story

    story = Story.objects.filter(merged_into__isnull=True).order_by("id").first()
    ids = list(Article.objects.order_by("id").values_list("id", flat=True)[:story_size])
    Article.objects.filter(id__in=ids).update(story=story)
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        services.story_refresh(story_id=story.id)
        times.append(time.perf_counter() - started)
    return times


def services_placement_batch() -> int:
    from stories.services import PLACEMENT_BATCH

    return PLACEMENT_BATCH


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class"
            " WHERE relname IN ('stories_article', 'stories_story', 'stories_storyterm')"
        )
        return dict(cursor.fetchall())


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    worker_counts = [int(w) for w in args.workers.split(",")]
    database_url = os.environ.get("BENCH_SCALE_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_SCALE_REDIS_URL", DEFAULT_REDIS_URL)
    env = worker_env(database_url, redis_url)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY")})
    os.environ.update({"DJANGO_HTTPS": "0", "LOG_LEVEL": "WARNING"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    if not args.reuse:
        recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        entries = read_seed()
        if args.reuse:
            from sources.models import Source

            sources = dict(Source.objects.values_list("name", "id"))
            seed, batch = reload_seed()
            print(
                f"reusing the database: {article_count():,} stored articles,"
                f" {seed.copies} copies of a {seed.size}-article seed",
                flush=True,
            )
        else:
            sources = seed_sources([e.feed for e in entries])
            started = time.perf_counter()
            cluster_seed(
                new_articles(entries, sources, shift=timedelta(0), tag="seed", status="feed_only")
            )
            seed = load_seed(entries)
            save_progress(seed)
            batch = 0
            print(
                f"seed: {seed.size} articles of {len(sources)} real feeds over {seed.span}, "
                f"{len(seed.stories[1])} stories, {len(seed.terms[1])} index rows, placed and "
                f"refreshed in {time.perf_counter() - started:.0f} s; copies {seed.shift} apart",
                flush=True,
            )
        batch_entries = (entries * (1 + args.articles // len(entries)))[
            : args.articles or len(entries)
        ]
        results: list[Measure] = []
        for size in sizes:
            fill(seed, size)
            stored = article_count()
            print(f"stored articles: {stored:,}", flush=True)
            for processes in worker_counts:
                batch += 1
                result = measure(
                    size=size,
                    processes=processes,
                    batch=batch,
                    entries=batch_entries,
                    seed=seed,
                    sources=sources,
                    database_url=database_url,
                    env=env,
                )
                report(result)
                results.append(result)
                save_progress(seed, batch=batch)
        batch += 1
        placed = placement_times(batch_entries, seed, sources, batch)
        save_progress(seed, batch=batch)
        median = statistics.median(placed)
        print(
            f"placement alone, one process at {article_count():,} stored: p50"
            f" {1000 * median:.0f} ms, p99 {1000 * percentile(placed, 99):.0f} ms per article"
            f" → at most {1 / median:.0f} placements/s for all workers, one at a time",
            flush=True,
        )
        batch += 1
        in_batches = batch_placement_times(batch_entries, seed, sources, batch)
        save_progress(seed, batch=batch)
        median = statistics.median(in_batches)
        print(
            f"placement in batches of up to {services_placement_batch()}, one process: p50"
            f" {1000 * median:.1f} ms per article → at most {1 / median:.0f} placements/s"
            " for all workers",
            flush=True,
        )
        first, *again = refresh_times(REFRESHED_STORY_ARTICLES)
        print(
            f"refresh of a {REFRESHED_STORY_ARTICLES}-article story: {1000 * first:.0f} ms the"
            f" first time in a process, then p50 {1000 * statistics.median(again):.0f} ms",
            flush=True,
        )
        if args.retention:
            before = table_sizes()
            started = time.perf_counter()
            call_command("drop_old_text", verbosity=1)
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("VACUUM FULL stories_article")
            after = table_sizes()
            print(
                f"retention: drop_old_text + VACUUM FULL in {time.perf_counter() - started:.0f} s"
            )
            for table in sorted(before):
                print(
                    f"    {table}: {before[table] / 2**20:,.0f} MB → {after[table] / 2**20:,.0f} MB"
                )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(database_url)
    most = max(worker_counts)
    small = next(r for r in results if r.size == sizes[0] and r.workers == most)
    big = next(r for r in results if r.size == sizes[-1] and r.workers == most)
    label = f"{sizes[-1] // 1_000_000}M" if sizes[-1] >= 1_000_000 else f"{sizes[-1] // 1000}k"
    small_label = f"{sizes[0] // 1000}k"
    print(
        f"scale {most} workers at {label}: {big.rate:.0f} articles/s, "
        f"cost {label}/{small_label} = {small.rate / big.rate:.2f}"
    )


if __name__ == "__main__":
    main()
