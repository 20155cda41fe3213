"""Run the whole ingestion pipeline once, in this process: feeds, then their pages.

    manage.py ingest                      # every active feed
    manage.py ingest --feed 3 --feed https://example.org/rss
    manage.py ingest --since 2026-02-17   # extract only articles published since then
    manage.py ingest --replay DIR         # feeds and pages recorded in DIR, via a loopback server

The same services the Celery tasks call do the work, so the embedded mode needs no worker.
Every feed is fetched first; then articles are extracted oldest first across all feeds (undated
last), so in the embedded mode, where clustering runs as each extraction commits, they reach
their stories in publication order, as on a live site, whatever order the feeds came in.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from embedded import replay
from embedded.services import feeds_register_replay
from ingestion import http, selectors, services
from sources.models import Feed


def _since(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: cannot read {value!r} (use YYYY-MM-DD or ISO 8601)")
        parsed = datetime(day.year, day.month, day.day)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


class Progress:
    """A one-line text progress bar on a terminal; plain lines otherwise."""

    WIDTH = 30

    def __init__(self, stream, label: str, total: int) -> None:
        self.stream, self.label, self.total, self.done = stream, label, total, 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def step(self, note: str = "") -> None:
        self.done += 1
        if not self.tty and self.done not in (self.total,) and self.done % 25:
            return
        filled = int(self.WIDTH * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        end = "\r" if self.tty and self.done < self.total else "\n"
        self.stream.write(f"{self.label:9} [{bar}] {self.done}/{self.total} {note[:40]:40}{end}")
        self.stream.flush()


class Command(BaseCommand):
    help = "Fetch feeds and extract their articles once, in this process, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--feed", action="append", default=[], help="feed id or URL (repeatable)"
        )
        parser.add_argument("--since", help="only extract articles published since this date")
        parser.add_argument(
            "--replay", type=Path, help="serve feeds and pages recorded in DIR through loopback"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(str(options["since"])) if options["since"] else None
        replay_dir = options["replay"]
        if replay_dir is None:
            self._run(self._feed_ids(list(options["feed"])), since)
            return
        root = Path(str(replay_dir)).resolve()
        if not root.is_dir():
            raise CommandError(f"--replay: {root} is not a directory")
        files = replay.feed_files(root)
        if not files:
            raise CommandError(f"--replay: no feed documents (*.xml, *.rss, *.atom) in {root}")
        with replay.serve_replay(root) as address:
            feed_ids = feeds_register_replay(
                urls_and_documents=[(replay.replay_url(root, f), f.read_bytes()) for f in files],
                now=timezone.now(),
            )
            if options["feed"]:
                feed_ids = [i for i in feed_ids if i in self._feed_ids(list(options["feed"]))]
            self.stdout.write(f"Replaying {len(feed_ids)} feeds from {root} via {address}")
            with http.serve_hosts_from(address):
                self._run(feed_ids, since)

    def _feed_ids(self, wanted: list[str]) -> list[int]:
        feeds = Feed.objects.filter(is_active=True)
        if wanted:
            ids = [int(w) for w in wanted if w.isdigit()]
            urls = [w for w in wanted if not w.isdigit()]
            feeds = Feed.objects.filter(Q(pk__in=ids) | Q(url__in=urls))
            if not feeds.exists():
                raise CommandError(f"no feed matches {', '.join(wanted)}")
        return list(feeds.order_by("id").values_list("id", flat=True))

    def _run(self, feed_ids: list[int], since: datetime | None) -> None:
        out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        bar = Progress(out, "feeds", len(feed_ids))
        failed = 0
        for feed_id in feed_ids:
            outcome = services.feed_fetch(feed_id=feed_id, queue=False)
            failed += outcome.status == services.FeedFetchStatus.FAILED
            bar.step(outcome.status)
        article_ids = list(selectors.article_pending_ids(feed_ids=feed_ids, since=since))
        bar = Progress(out, "articles", len(article_ids))
        counts: dict[str, int] = {}
        for article_id in article_ids:
            result = services.article_extract(article_id=article_id)
            counts[result.status] = counts.get(result.status, 0) + 1
            bar.step(result.status)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(feed_ids)} feeds ({failed} failed); {len(article_ids)} articles: {summary}"
            )
        )
