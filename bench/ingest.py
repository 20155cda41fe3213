"""Pipeline throughput: articles per second through the whole ingestion pipeline against bare
``trafilatura.extract`` on the same pages, in the same run.

    .venv/bin/python bench/ingest.py [PAGES_DIR] [--repeat ROUNDS] [--cold-robots]

PAGES_DIR is laid out like ../shared/data/pages/aeb. A feed listing every page is generated and
both are served by the replay server on loopback, so the pipeline does exactly what one worker
process does: feed GET (with all the HTTP checks) → parse → upsert → for each article the
robots.txt check, page GET, gzip decoding, extraction, fingerprint, wire-origin lookup, the
locked write and the hand-off to clustering. The replay server runs in a separate process, as a
remote site would. The database is a throw-away SQLite file (the embedded mode); the run never
touches a configured DATABASE_URL.

What is counted, and why:

* Clustering hand-off: counted; clustering itself: not. Ingestion ends by publishing
  ``stories.tasks.article_cluster`` to the broker (here Celery's in-memory transport; JSON
  serialisation and routing run as with Redis). Clustering is routed to its own ``clustering``
  queue and worker, so running it here would measure a second worker in the first one's time.
* robots.txt: a worker keeps each origin's robots.txt for an hour, so in steady state a page
  fetch finds it cached. An uncounted warm-up round fills that cache (and imports trafilatura's
  lazy parts); ``--cold-robots`` instead empties it before every round, so each round also
  fetches one robots.txt per host (97 hosts for 121 pages in pages/aeb: a pessimistic bound).
* The generated feed gives titles and links only, so the pipeline runs the page's date and
  byline searches for every article; a feed with dates and authors spares them.
* The replay server's time to answer is the pipeline's wait, as a remote site's would be.
* Per-host delay: set to 0. The pause between two requests to one host (a second by default)
  is politeness the worker sleeps through, not work: after each host's robots.txt and between
  two pages of one host. Left in, it would decide the result. The gate itself (semaphores,
  shared slots in the cache) still runs for every request.

Measurement: in every round both sides process the same pages and take turns page by page (the
feed fetch is the pipeline's alone), so a burst of load from elsewhere on the machine slows both
alike. Each round gives its own ratio; the report is the median of those ratios with their
range, and the median rates of both sides.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "pages" / "aeb"
T = TypeVar("T")


def _feed(urls: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Article {n}</title><link>{escape(url)}</link></item>"
        for n, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>https://bench.invalid/</link>{items}</channel></rss>"
    ).encode()


def _serve(root: str, pages: str, queue) -> None:  # runs in a child process
    from embedded import replay

    with replay.serve_replay(Path(root), page_roots=(Path(pages),)) as address:
        queue.put(address)
        threading.Event().wait()


@contextmanager
def replay_process(root: Path, pages: Path) -> Iterator[str]:
    """The replay server in its own process, like a remote site: it takes no CPU (or GIL)
    from the pipeline being measured. Feeds written under ``root`` later are served too."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_serve, args=(str(root), str(pages), queue), daemon=True)
    process.start()
    try:
        yield queue.get(timeout=30)
    finally:
        process.terminate()
        process.join()


@dataclass
class Tally:
    """Wall-clock and this thread's CPU seconds spent in the calls made through :meth:`add`."""

    wall: float = 0.0
    cpu: float = 0.0

    def add(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        wall, cpu = time.perf_counter(), time.thread_time()
        result = function(*args, **kwargs)
        self.wall += time.perf_counter() - wall
        self.cpu += time.thread_time() - cpu
        return result


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f}, range {min(values):.1f}-{max(values):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=5, help="measured rounds over the pages")
    parser.add_argument(
        "--cold-robots", action="store_true", help="fetch robots.txt again in every round"
    )
    args = parser.parse_args()

    from throwaway_db import setup_throwaway_sqlite

    workdir = setup_throwaway_sqlite("nd-bench-")
    import trafilatura
    from django.core.management import call_command
    from django.utils import timezone

    from embedded import replay
    from embedded.services import feeds_register_replay
    from ingestion import http, services
    from newsdesk.celery import app
    from stories.models import Article, ArticleStatus

    call_command("migrate", verbosity=0)
    # Hand-offs go to a broker as in production; they are not run inside the measurement.
    app.conf.task_always_eager = False

    truth = json.loads((args.pages / "ground-truth.json").read_text())
    ids = [i for i in sorted(truth) if (args.pages / "html" / f"{i}.html.gz").is_file()]
    pages = [gzip.decompress((args.pages / "html" / f"{i}.html.gz").read_bytes()) for i in ids]
    (workdir / "feeds").mkdir()

    def measure_round(round_number: int, address: str) -> tuple[Tally, Tally, int]:
        """Time of bare extraction and of the pipeline over every page, and the number of
        articles the pipeline extracted. The two sides take turns page by page (each goes
        first on every other page), so a burst of load from elsewhere hits both alike."""
        # rel=canonical maps every round's URLs to one article: start each round empty, with
        # fresh URLs so the articles are new rather than already stored.
        Article.objects.all().delete()
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge("clustering")
        if args.cold_robots:
            http.clear_robots_cache()
        feed_file = workdir / "feeds" / f"bench-{round_number}.xml"
        urls = [
            f"{truth[i]['url']}{'&' if '?' in truth[i]['url'] else '?'}round={round_number}"
            for i in ids
        ]
        page_of_url = dict(zip(urls, pages, strict=True))
        feed_file.write_bytes(_feed(urls))
        [feed_id] = feeds_register_replay(
            urls_and_documents=[(replay.replay_url(workdir, feed_file), feed_file.read_bytes())],
            now=timezone.now(),
        )
        bare, pipeline = Tally(), Tally()
        with http.serve_hosts_from(address):
            outcome = pipeline.add(services.feed_fetch, feed_id=feed_id, queue=False)
            # Which page each article is, so both sides take the same page in each turn.
            url_of_article = dict(
                Article.objects.filter(pk__in=outcome.new_article_ids).values_list("id", "url")
            )
            assert len(url_of_article) == len(pages), "every page must become one article"
            for n, article_id in enumerate(outcome.new_article_ids):
                html = page_of_url[url_of_article[article_id]]
                if n % 2:
                    pipeline.add(services.article_extract, article_id=article_id)
                bare.add(trafilatura.extract, html)
                if not n % 2:
                    pipeline.add(services.article_extract, article_id=article_id)
        extracted = Article.objects.filter(feed_id=feed_id, status=ArticleStatus.EXTRACTED)
        return bare, pipeline, extracted.count()

    bare_rates: list[float] = []
    pipeline_rates: list[float] = []
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    try:
        with replay_process(workdir, args.pages) as address:
            measure_round(0, address)  # warm-up: imports, robots.txt cache, SQLite pages
            for round_number in range(1, args.repeat + 1):
                bare, pipeline, stored = measure_round(round_number, address)
                bare_rates.append(len(pages) / bare.wall)
                pipeline_rates.append(len(pages) / pipeline.wall)
                ratios.append(100 * bare.wall / pipeline.wall)
                cpu_ratios.append(100 * bare.cpu / pipeline.cpu)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    robots = "fetched every round" if args.cold_robots else "cached after the warm-up round"
    print(f"pages: {len(pages)} from {args.pages}; {args.repeat} rounds; robots.txt {robots}")
    print(f"extracted by the pipeline per round: {stored}")
    print(f"bare trafilatura.extract: {_spread(bare_rates)} pages/s")
    print(f"pipeline (one process):   {_spread(pipeline_rates)} articles/s")
    print(f"per-round ratios: {' '.join(f'{r:.0f}%' for r in ratios)}")
    # Not the result, a diagnosis: CPU time leaves out the waits (on the replay server, the
    # disk, other processes), so the gap between the two ratios is what the pipeline waited.
    print(
        f"CPU time of this thread only: ratio {statistics.median(cpu_ratios):.0f}% "
        f"(range {min(cpu_ratios):.0f}-{max(cpu_ratios):.0f}%)"
    )
    print(f"pipeline / bare = {statistics.median(ratios):.0f}% (median of per-round ratios)")


if __name__ == "__main__":
    main()
