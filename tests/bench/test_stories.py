"""bench/stories.py: how the feeds are split into the two halves replayed alone. No database."""

import pytest

from tests.bench.scripts import bench_script


@pytest.fixture(scope="module")
def bench():
    with bench_script("stories") as module:
        yield module


def test_each_feed_of_the_labelled_set_is_replayed_in_exactly_one_half(bench, shared_data):
    gold = bench.read_gold(shared_data / "stories")
    # Every gold row matched to an app article numbered like the row.
    matching = bench.Matching(
        article_of_row={n: int(n) for n in gold.rows},
        by_link=len(gold.rows),
        by_title=0,
        unmatched_rows=[],
        articles_without_row=0,
    )

    first, second = bench.feed_halves(gold, matching)

    assert first.isdisjoint(second) and first | second == {int(n) for n in gold.rows}
    feeds_of = [{gold.rows[str(article)].feed for article in half} for half in (first, second)]
    assert feeds_of[0].isdisjoint(feeds_of[1])
    assert len(feeds_of[0]) == len(feeds_of[1]) == 10
