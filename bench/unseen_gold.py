"""The labelled real-feed stories extended with six outlets the clustering code was not built on.

    .venv/bin/python bench/unseen_gold.py NEW_FEEDS_DIR OUT_DIR
    .venv/bin/python bench/stories.py OUT_DIR/feeds OUT_DIR

``NEW_FEEDS_DIR`` holds the six feed documents of ``bench/unseen/feeds.csv``: files of the public
repository kagisearch/fastfeedparser (``benchmark_data/…``, the benchmark the 20 shared outlet
feeds were taken from), saved on the same days, under any names ending in ``.xml``. They are not
in this repository because their text is the outlets'. What is here are two labellers' events
for their 336 entries (``bench/unseen/labels_a.tsv``, ``labels_b.tsv``: feed, link, event),
made on 2026-12-05 the way the shared labels were (``LABELLING.md``): each labeller worked alone,
with only their own earlier labels of the 850 shared articles, and put each new entry in one of
those events, in a new one, or alone (``single``).

The script writes ``OUT_DIR/feeds`` (copies of the 20 shared feeds and the six) and, in the
shared labels' format, ``OUT_DIR/articles.tsv`` and ``labels_{a,b}.tsv``: the 850 shared rows as
they are, then one row per labelled entry found in the feeds (numbered from 2001), matched by
canonical link. Labels whose entry no feed holds are listed and left out.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingestion.canonical import canonicalize_url  # noqa: E402  (pure: no Django needed)
from ingestion.feeds import FeedEntry, parse_feed  # noqa: E402

LABELS = ROOT / "bench" / "unseen"
FIRST_NEW_ROW = 2001
# The shared rows' summary column: the feed description's first 400 characters.
SUMMARY_CHARS = 400
# Entries are parsed as of after the feeds were saved, so none is dated in the future.
PARSED_AT = datetime(2026, 3, 1, tzinfo=UTC)
COLUMNS = ("n", "feed", "published", "title", "summary", "link")


def _shared_data() -> Path:
    configured = os.environ.get("NEWSDESK_SHARED_DATA", "")
    return Path(configured) if configured else ROOT.parent / "shared" / "data"


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _write_tsv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def extend_gold(
    shared_gold: Path, new_feeds: list[Path], labels_dir: Path
) -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]], list[str]]:
    """(article rows, labels by labeller, labelled links no feed holds): the shared gold rows,
    then one row per labelled entry of ``new_feeds``, in the labels' order."""
    entries: dict[str, FeedEntry] = {}
    for path in new_feeds:
        for parsed in parse_feed(path.read_bytes(), now=PARSED_AT).entries:
            entries.setdefault(parsed.canonical_url, parsed)
    rows = _read_tsv(shared_gold / "articles.tsv")
    labels = {
        path.stem.removeprefix("labels_"): _read_tsv(path)
        for path in sorted(shared_gold.glob("labels_*.tsv"))
    }
    new_labels = {name: _read_tsv(labels_dir / f"labels_{name}.tsv") for name in labels}
    first = next(iter(new_labels.values()))
    if any(
        [r["link"] for r in others] != [r["link"] for r in first] for others in new_labels.values()
    ):
        raise SystemExit(f"the labellers' files in {labels_dir} do not list the same links")
    missing: list[str] = []
    number = FIRST_NEW_ROW
    for position, labelled in enumerate(first):
        entry = entries.get(canonicalize_url(labelled["link"]) or labelled["link"])
        if entry is None:
            missing.append(labelled["link"])
            continue
        n = str(number)
        number += 1
        published = entry.published_at.astimezone(UTC) if entry.published_at else PARSED_AT
        rows.append(
            {
                "n": n,
                "feed": labelled["feed"],
                "published": published.strftime("%Y-%m-%d %H:%M"),
                "title": " ".join(entry.title.split()),
                "summary": " ".join((entry.description or entry.summary).split())[:SUMMARY_CHARS],
                "link": labelled["link"],
            }
        )
        for name, their_labels in new_labels.items():
            event = their_labels[position]["event"]
            labels[name].append({"n": n, "event": f"single-{n}" if event == "single" else event})
    return rows, labels, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("new_feeds", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    shared = _shared_data()
    new_feeds = sorted(args.new_feeds.glob("*.xml"))
    if not new_feeds:
        raise SystemExit(f"no feed documents (*.xml) in {args.new_feeds}")
    rows, labels, missing = extend_gold(shared / "stories", new_feeds, LABELS)
    feeds = args.out / "feeds"
    feeds.mkdir(parents=True, exist_ok=True)
    # Copies, not links: the replay server serves nothing that resolves outside its folder.
    for path in [*sorted((shared / "feeds" / "outlets").glob("*.xml")), *new_feeds]:
        shutil.copyfile(path, feeds / path.name)
    _write_tsv(args.out / "articles.tsv", COLUMNS, rows)
    for name, their_labels in labels.items():
        _write_tsv(args.out / f"labels_{name}.tsv", ("n", "event"), their_labels)
    added = len(rows) - len(_read_tsv(shared / "stories" / "articles.tsv"))
    print(
        f"{args.out}: {len(rows)} rows ({added} from {len(new_feeds)} new feeds), feeds in {feeds}"
    )
    for link in missing:
        print(f"  labelled but in no feed: {link}")


if __name__ == "__main__":
    main()
