"""Record the pages a replay directory's feeds link to, so a replay reads them as a live site.

    manage.py record_pages DIR            # every entry of every feed under DIR
    manage.py record_pages DIR --limit 50 # at most 50 new pages this run

``manage.py ingest --replay DIR`` (and ``bench/stories.py``) serve a page from any
``DIR/**/ground-truth.json`` that lists its URL. Without recorded pages every replayed article
ends feed-only and clustering reads titles and feed summaries alone; a live site reads the
pages. This command fetches each entry's link through the production client (its timeouts,
size cap, private-address guard and robots.txt), and writes ``DIR/pages/html/<id>.html.gz``
and ``DIR/pages/ground-truth.json`` (``{id: {url, fetched_url, recorded_at}}``).

Pages already recorded are skipped, so an interrupted run can be started again. A page that
cannot be fetched is reported with its link and reason, and the rest go on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from embedded import replay
from ingestion import http
from ingestion.feeds import FeedRejectedError, parse_feed
from ingestion.services.articles import PAGE_ACCEPT

PAGES_FOLDER = "pages"


def page_id(url: str) -> str:
    """A file name for ``url``'s page: stable, and the same whatever run records it."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def entry_links(root: Path) -> tuple[list[str], list[str]]:
    """(every entry link of the feeds under ``root``, once each, in feed order; a line for each
    feed document that could not be read)."""
    links: dict[str, None] = {}
    problems: list[str] = []
    for path in replay.feed_files(root):
        try:
            document = parse_feed(path.read_bytes(), now=timezone.now())
        except FeedRejectedError as error:
            problems.append(f"{path.relative_to(root)}: {error}")
            continue
        links.update((entry.url, None) for entry in document.entries if entry.url)
    return list(links), problems


class Command(BaseCommand):
    help = "Fetch and store the pages that a replay directory's feeds link to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory as ingest --replay reads")
        parser.add_argument("--limit", type=int, default=0, help="new pages at most (0: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(str(options["directory"])).resolve()
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory")
        links, problems = entry_links(root)
        for problem in problems:
            self.stderr.write(f"feed not read: {problem}")
        folder = root / PAGES_FOLDER
        try:
            (folder / "html").mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot write pages into {folder}: {error}") from error
        index_file = folder / "ground-truth.json"
        try:
            index: dict[str, dict[str, str]] = (
                json.loads(index_file.read_text()) if index_file.is_file() else {}
            )
        except ValueError as error:
            raise CommandError(f"{index_file} is not a page index: {error}") from error
        recorded = failed = kept = 0
        for url in links:
            key = page_id(url)
            if key in index and (folder / "html" / f"{key}.html.gz").is_file():
                kept += 1
                continue
            if options["limit"] and recorded >= options["limit"]:
                break
            try:
                result = http.fetch(url, accept=PAGE_ACCEPT, respect_robots=True)
            except http.FetchError as error:
                failed += 1
                self.stderr.write(f"not recorded: {url} ({error.kind}: {error})")
                continue
            (folder / "html" / f"{key}.html.gz").write_bytes(gzip.compress(result.body))
            index[key] = {
                "url": url,
                "fetched_url": result.url,
                "recorded_at": timezone.now().isoformat(),
            }
            recorded += 1
            # Written after every page: an interrupted run keeps what it fetched.
            partial = index_file.with_suffix(".json.partial")
            partial.write_text(json.dumps(index, indent=1, sort_keys=True))
            partial.replace(index_file)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(links)} links: {recorded} pages recorded, {kept} already recorded, "
                f"{failed} not recorded; in {folder}"
            )
        )
