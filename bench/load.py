"""Reader pages under load while ingestion runs: gunicorn (services mode) driven by wrk.

    .venv/bin/python bench/load.py [--duration 60] [--connections 64] [--threads 2]

What runs, all on loopback:

* gunicorn with 2 workers, started exactly as ``bench/pages.py`` starts it (its helpers are
  imported from there), on its own PostgreSQL database (``BENCH_LOAD_DATABASE_URL``, created if
  missing, emptied on every run) and Redis (``BENCH_LOAD_REDIS_URL``);
* one real ``celery worker`` process (queues feeds, articles, clustering, default);
* the demo corpus's fictional outlets, served by the demo server; the site is first filled by
  the worker from them. During the measurement a background loop keeps ingesting: whenever
  nothing is pending it publishes a new round of the corpus under new article URLs and queues
  every feed, so the worker fetches, extracts, de-duplicates and clusters all the time and
  story versions (and so the page caches) keep changing;
* wrk with ``--connections`` connections spread over the story page (the largest story), the
  home page and a search, in turn.

Prints requests/s, p50 and p99 latency, non-2xx/3xx responses (and how many were 5xx), socket
errors (connect, read, write, timeout), and how much the worker ingested meanwhile. Exits 1
unless there were no errors at all.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.pages import bench_environment, ensure_database, start_gunicorn  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nd_load_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
WRK_TIMEOUT_SECONDS = 10
SEED_TIMEOUT_SECONDS = 600
QUEUES = "feeds,articles,clustering,default"

# wrk: the pages in turn on every connection, status classes counted per thread, and the
# figures printed in one parseable line (latencies in microseconds).
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  server_errors = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local fivexx = 0
  for _, thread in ipairs(threads) do
    fivexx = fivexx + thread:get("server_errors")
  end
  io.write(string.format(
    "FIGURES requests=%%d seconds=%%.3f p50_us=%%d p99_us=%%d max_us=%%d "
    .. "connect=%%d read=%%d write=%%d timeout=%%d status=%%d fivexx=%%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, fivexx))
end
"""


# --- the worker process -------------------------------------------------------------------
def run_worker(address: str) -> None:
    """``bench/load.py --worker ADDRESS``: a Celery worker whose outgoing HTTP goes to the demo
    server at ADDRESS (a route the environment cannot express, set before it starts)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from ingestion import http
    from newsdesk.celery import app

    with http.serve_hosts_from(address):
        app.worker_main(
            [
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                QUEUES,
                "-n",
                f"load-bench-{os.getpid()}@%h",
                "--loglevel=WARNING",
            ]
        )


def start_worker(env: dict[str, str], address: str, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, __file__, "--worker", address],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


# --- the site and the background ingestion ------------------------------------------------
def reset_site() -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from newsdesk.celery import app

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    cache.clear()
    app.control.purge()


def round_documents(
    base: dict[tuple[str, str], bytes], feed_path: str, number: int
) -> dict[tuple[str, str], bytes]:
    """The corpus again under new article URLs: every page a new article for the pipeline."""
    documents: dict[tuple[str, str], bytes] = {}
    feeds = {host: body for (host, path), body in base.items() if path == feed_path}
    for (host, path), body in base.items():
        if path == feed_path:
            continue
        moved = f"{path}-r{number}"
        # The page's rel=canonical (single-quoted) and the feed's <link> name the new URL.
        documents[(host, moved)] = body.replace(f"{path}'".encode(), f"{moved}'".encode())
        if host in feeds:
            feeds[host] = feeds[host].replace(f"{path}</link>".encode(), f"{moved}</link>".encode())
    documents.update({(host, feed_path): body for host, body in feeds.items()})
    return documents


def queue_every_feed() -> int:
    from ingestion.tasks import feed_fetch
    from sources.models import Feed

    feed_ids = list(Feed.objects.filter(is_active=True).values_list("id", flat=True))
    for feed_id in feed_ids:
        feed_fetch.delay(feed_id)
    return len(feed_ids)


def pending_work() -> int:
    """Articles not yet extracted, plus extracted ones not yet in a story."""
    from stories.models import Article, ArticleStatus

    pending = Article.objects.filter(status=ArticleStatus.PENDING).count()
    unclustered = Article.objects.filter(
        status__in=(ArticleStatus.EXTRACTED, ArticleStatus.FEED_ONLY), story__isnull=True
    ).count()
    return pending + unclustered


def wait_until_ingested(worker: subprocess.Popen, log: Path, timeout: float) -> None:
    from sources.models import Feed

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited:\n{log.read_text()[-3000:]}")
        fetched = not Feed.objects.filter(is_active=True, last_fetched_at__isnull=True).exists()
        if fetched and pending_work() == 0:
            return
        time.sleep(1)
    raise SystemExit(f"the worker did not ingest the corpus within {timeout:.0f} s")


class BackgroundIngestion(threading.Thread):
    """Publishes a new round of the corpus and queues every feed whenever nothing is pending."""

    def __init__(
        self, documents: dict[tuple[str, str], bytes], base: dict[tuple[str, str], bytes]
    ) -> None:
        super().__init__(daemon=True)
        self.documents = documents  # served live by the demo server
        self.base = base
        self.rounds = 0
        self.failure: BaseException | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from embedded.demo_corpus import FEED_PATH

        try:
            while not self._stopping.is_set():
                if pending_work() == 0:
                    self.rounds += 1
                    self.documents.update(round_documents(self.base, FEED_PATH, self.rounds))
                    queue_every_feed()
                self._stopping.wait(1.0)
        except BaseException as error:  # reported by the main thread
            self.failure = error
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=30)


def load_demo_outlets() -> tuple[dict[tuple[str, str], bytes], dict[tuple[str, str], bytes]]:
    """Load the demo outlets; return (the documents to serve, the base rendering)."""
    from django.conf import settings
    from django.utils import timezone

    from embedded.demo import demo_outlets_load
    from embedded.demo_corpus import load_corpus, render_site
    from embedded.first_run import DEMO_LATEST_ARTICLE_AGE

    corpus = load_corpus(Path(settings.BASE_DIR) / "demo" / "corpus")
    demo_outlets_load(corpus=corpus)
    start = timezone.now() - DEMO_LATEST_ARTICLE_AGE - timedelta(hours=corpus.span_hours)
    base = render_site(corpus, start=start)
    return dict(base), base


def page_paths() -> list[str]:
    """The largest story, the home page and a search for the commonest headline word."""
    from stories.models import Story

    stories = list(Story.objects.filter(merged_into=None).order_by("-source_count", "id"))
    if not stories:
        raise SystemExit("no stories after ingesting the demo corpus")
    words = collections.Counter(
        word.lower() for story in stories for word in re.findall(r"[A-Za-z]{5,}", story.headline)
    )
    term = words.most_common(1)[0][0] if words else "news"
    return [stories[0].get_absolute_url(), "/", f"/search?q={term}"]


# --- wrk ----------------------------------------------------------------------------------
def run_wrk(
    base_url: str, paths: list[str], *, duration: int, connections: int, threads: int
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths)})
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                f"--timeout={WRK_TIMEOUT_SECONDS}s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = re.search(r"^FIGURES (.*)$", output, re.M)
    if line is None:
        raise SystemExit(f"unexpected wrk output:\n{output}")
    return {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", line.group(1))}


def check_pages(base_url: str, paths: list[str]) -> None:
    for path in paths:
        with urllib.request.urlopen(base_url + path, timeout=30) as response:
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status} before the load")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--worker", metavar="ADDRESS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker)
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    database_url = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_LOAD_REDIS_URL", DEFAULT_REDIS_URL)
    env = {**bench_environment(database_url, redis_url), "CACHE_KEY_PREFIX": "load-bench"}
    ensure_database(database_url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    reset_site()

    from embedded.demo_server import serve_documents
    from stories.models import Article

    documents, base = load_demo_outlets()
    log = Path(tempfile.mkdtemp(prefix="load-bench-")) / "worker.log"
    with serve_documents(documents) as address:
        worker = start_worker(env, address, log)
        server = None
        background = None
        try:
            started = time.monotonic()
            queue_every_feed()
            wait_until_ingested(worker, log, SEED_TIMEOUT_SECONDS)
            seeded_in = time.monotonic() - started
            paths = page_paths()
            server = start_gunicorn(env, args.port)
            base_url = f"http://127.0.0.1:{args.port}"
            check_pages(base_url, paths)
            articles_before = Article.objects.count()
            background = BackgroundIngestion(documents, base)
            background.start()
            figures = run_wrk(
                base_url,
                paths,
                duration=args.duration,
                connections=args.connections,
                threads=args.threads,
            )
            background.stop()
            if background.failure is not None:
                raise SystemExit(f"background ingestion failed: {background.failure!r}")
            ingested = Article.objects.count() - articles_before
        finally:
            if background is not None and background.is_alive():
                background.stop()
            if server is not None:
                stop(server)
            stop(worker)

    socket_errors = int(
        figures["connect"] + figures["read"] + figures["write"] + figures["timeout"]
    )
    status_errors = int(figures["status"])
    print(
        f"gunicorn 2 workers + 1 celery worker, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s --timeout {WRK_TIMEOUT_SECONDS}s, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"pages in turn: {', '.join(paths)}")
    print(f"site seeded by the worker in {seeded_in:.0f} s")
    print(f"requests      {int(figures['requests'])} in {figures['seconds']:.1f} s")
    print(f"requests/s    {figures['requests'] / figures['seconds']:.1f}")
    print(f"p50 / p99     {figures['p50_us'] / 1000:.1f} ms / {figures['p99_us'] / 1000:.1f} ms")
    print(f"max latency   {figures['max_us'] / 1000:.1f} ms")
    print(f"non-2xx/3xx   {status_errors} (5xx: {int(figures['fivexx'])})")
    print(
        f"socket errors {socket_errors} (connect {int(figures['connect'])}, read "
        f"{int(figures['read'])}, write {int(figures['write'])}, timeout "
        f"{int(figures['timeout'])})"
    )
    print(
        f"ingested meanwhile: {ingested} articles in {background.rounds} rounds of the demo corpus"
    )
    errors = socket_errors + status_errors
    print(f"errors        {errors} (target 0) → {'meets' if errors == 0 else 'MISSES'} the target")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
