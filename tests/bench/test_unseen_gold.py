"""bench/unseen_gold.py: the shared gold extended with labelled entries of other feeds. No
database; a shared feed stands in for a new one."""

import csv
from pathlib import Path

import pytest

from ingestion.feeds import parse_feed
from tests.bench.scripts import bench_script


@pytest.fixture(scope="module")
def unseen_gold():
    with bench_script("unseen_gold") as module:
        yield module


def write_labels(folder: Path, name: str, rows: list[tuple[str, str]]) -> None:
    with (folder / f"labels_{name}.tsv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(("feed", "link", "event"))
        writer.writerows(("other", link, event) for link, event in rows)


def test_labelled_entries_follow_the_shared_rows_with_each_labellers_events(
    unseen_gold, shared_data, tmp_path
):
    feed = shared_data / "feeds" / "outlets" / "mercopress.rss.xml"
    links = [
        entry.url for entry in parse_feed(feed.read_bytes(), now=unseen_gold.PARSED_AT).entries
    ]
    gone = "https://example.org/an-entry-no-feed-holds"
    write_labels(
        tmp_path,
        "a",
        [(links[0], "peru-congress-removes-jeri"), (gone, "single"), (links[1], "single")],
    )
    write_labels(tmp_path, "b", [(links[0], "single"), (gone, "x"), (links[1], "new-event")])

    rows, labels, missing = unseen_gold.extend_gold(shared_data / "stories", [feed], tmp_path)

    shared_rows = (shared_data / "stories" / "articles.tsv").read_text().count("\n") - 1
    assert len(rows) == shared_rows + 2 and missing == [gone]
    first, second = rows[-2:]
    assert (first["n"], first["link"], second["n"], second["link"]) == (
        "2001",
        links[0],
        "2002",
        links[1],
    )
    assert first["title"] and first["published"].startswith("20")
    assert labels["a"][-2:] == [
        {"n": "2001", "event": "peru-congress-removes-jeri"},
        {"n": "2002", "event": "single-2002"},
    ]
    assert labels["b"][-2:] == [
        {"n": "2001", "event": "single-2001"},
        {"n": "2002", "event": "new-event"},
    ]
    assert len(labels["a"]) == len(labels["b"]) == len(rows)
