"""The first run: fill a fresh site with stories, from live feeds or from the demo corpus.

Both modes go through the real pipeline (feed fetch → parse → page download → extraction →
de-duplication → clustering). The demo serves its fictional outlets on loopback and sends their
``.example`` hosts there; nothing is inserted into the database directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from celery import current_app as celery_app
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from embedded.demo import demo_outlets_load
from embedded.demo_corpus import DEMO_DOMAIN_SUFFIX, load_corpus, render_site
from embedded.demo_server import serve_documents
from ingestion import http
from sources.models import Feed, Source
from stories.models import Article, ArticleStatus, Story
from stories.services import stories_merge_pass

logger = logging.getLogger(__name__)

DEMO_CORPUS_DIR = Path(settings.BASE_DIR) / "demo" / "corpus"
# Feeds that tell whether this machine can reach the web (long-lived, widely available).
LIVE_PROBE_URLS = (
    "https://feeds.bbci.co.uk/news/rss.xml",
    "https://rss.nytimes.com/services/xml/rss/nyt/HomePage.xml",
)
LIVE_PROBE_TIMEOUT_SECONDS = 4.0
# The newest demo article appears this long before "now", so the site looks current.
DEMO_LATEST_ARTICLE_AGE = timedelta(minutes=40)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FirstRunReport:
    mode: str  # "demo" or "live"
    feeds: int
    articles: int
    stories: int
    skipped: bool = False  # data was already there


def demo_data_present() -> bool:
    return Source.objects.filter(domain__endswith=DEMO_DOMAIN_SUFFIX).exists()


def live_feeds_reachable() -> bool:
    """True when at least one well-known outlet feed answers through our HTTP client."""
    for url in LIVE_PROBE_URLS:
        try:
            http.fetch(
                url,
                max_bytes=2 * 1024 * 1024,
                total_timeout_seconds=LIVE_PROBE_TIMEOUT_SECONDS * 2,
            )
        except http.FetchError as error:
            logger.info("live probe %s failed: %s", url, error)
            continue
        return True
    return False


def _run_feeds_in_process(feed_ids: list[int], progress: Progress) -> None:
    """Fetch every feed, then extract (and cluster) the new articles oldest first.

    Polling all feeds before extracting is what a fleet of workers does in effect: articles
    reach clustering roughly in publication order, not one outlet's backlog at a time.
    """
    from ingestion.services import article_extract, feed_fetch

    previous = celery_app.conf.task_always_eager
    # The replayed sites exist only inside this process, so their work must run here too.
    celery_app.conf.task_always_eager = True
    try:
        for number, feed_id in enumerate(feed_ids, start=1):
            outcome = feed_fetch(feed_id=feed_id, queue=False)
            progress(f"  feed {number}/{len(feed_ids)}: {outcome.status}")
        pending = list(
            Article.objects.filter(status=ArticleStatus.PENDING, feed_id__in=feed_ids)
            .order_by(F("published_at").asc(nulls_last=True), "id")
            .values_list("id", flat=True)
        )
        progress(f"  extracting and clustering {len(pending)} articles")
        for article_id in pending:
            article_extract(article_id=article_id)
        # What beat does every 15 minutes: fold together stories that proved to be one event.
        merges = stories_merge_pass(now=timezone.now())
        progress(f"  merge pass: {len(merges)} stories merged")
    finally:
        celery_app.conf.task_always_eager = previous


def demo_replay(*, now: datetime, progress: Progress, corpus_dir: Path = DEMO_CORPUS_DIR) -> None:
    """Load the fictional outlets, serve their sites on loopback and ingest them."""
    corpus = load_corpus(corpus_dir)
    sources = demo_outlets_load(corpus=corpus)
    start = now - DEMO_LATEST_ARTICLE_AGE - timedelta(hours=corpus.span_hours)
    documents = render_site(corpus, start=start)
    feed_ids = list(
        Feed.objects.filter(source__in=sources, is_active=True).values_list("id", flat=True)
    )
    progress(f"Replaying the demo corpus: {len(corpus.articles)} articles, {len(feed_ids)} feeds")
    settings.DEMO_MODE_MARKER.parent.mkdir(parents=True, exist_ok=True)
    settings.DEMO_MODE_MARKER.write_text("The site shows the fictional demo corpus.\n")
    domains = [outlet.domain for outlet in corpus.outlets]
    with serve_documents(documents) as address, http.serve_hosts_from(address, domains):
        _run_feeds_in_process(feed_ids, progress)


def live_ingest(*, progress: Progress, catalogue: Path | None = None) -> None:
    """Load the catalogue (default: the shipped one) and ingest every active feed once."""
    from django.core.management import call_command

    call_command("load_catalogue", *(["--file", str(catalogue)] if catalogue else []))
    feed_ids = list(Feed.objects.filter(is_active=True).values_list("id", flat=True))
    progress(f"Ingesting {len(feed_ids)} live feeds")
    _run_feeds_in_process(feed_ids, progress)


def first_run(
    *, mode: str, now: datetime, progress: Progress, live_in_background: bool = False
) -> FirstRunReport:
    """Fill the site once. ``mode`` is "demo", "live" or "auto" (live when the web answers).

    With ``live_in_background`` live mode only loads the catalogue: the caller's background
    ingestion fetches the feeds while the site is already up (hundreds of real feeds take
    minutes; readers see stories appear as they are clustered).
    """
    if Article.objects.exists():
        chosen = "demo" if demo_data_present() else "live"
        return FirstRunReport(
            mode=chosen,
            feeds=Feed.objects.count(),
            articles=Article.objects.count(),
            stories=Story.objects.count(),
            skipped=True,
        )
    if mode == "auto":
        progress("Checking whether live feeds can be reached…")
        mode = "live" if live_feeds_reachable() else "demo"
    if mode == "live" and live_in_background:
        from django.core.management import call_command

        call_command("load_catalogue")
        progress("Live feeds are ingested in the background; stories appear as they come in.")
    elif mode == "live":
        live_ingest(progress=progress)
    else:
        demo_replay(now=now, progress=progress)
    return FirstRunReport(
        mode=mode,
        feeds=Feed.objects.count(),
        articles=Article.objects.count(),
        stories=Story.objects.filter(merged_into=None).count(),
    )
