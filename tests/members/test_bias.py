from datetime import UTC, datetime, timedelta

from members.bias import ReadRecord, summarize_reading, window_days

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def read(
    article_id: int,
    *,
    days_ago: float = 1,
    source_id: int = 1,
    bias: str = "center",
    factuality: str = "high",
    story_id: int | None = None,
    blindspot: str = "",
) -> ReadRecord:
    return ReadRecord(
        article_id=article_id,
        read_at=NOW - timedelta(days=days_ago),
        source_id=source_id,
        source_name=f"Outlet {source_id}",
        source_slug=f"outlet-{source_id}",
        bias=bias,
        factuality=factuality,
        story_id=story_id,
        story_slug=f"story-{story_id}" if story_id else "",
        story_headline=f"Story {story_id}" if story_id else "",
        story_blindspot=blindspot,
    )


def side_counts(summary) -> dict[str, int]:
    return {share.key: share.count for share in summary.sides}


def test_reads_are_counted_by_the_side_of_their_source():
    records = [
        read(1, bias="lean_left"),
        read(2, bias="far_left"),
        read(3, bias="center"),
        read(4, bias="right"),
    ]

    summary = summarize_reading(records, now=NOW, days=30)

    assert side_counts(summary) == {"left": 2, "center": 1, "right": 1}


def test_side_shares_add_up_to_one_hundred():
    records = [read(1, bias="left"), read(2, bias="center"), read(3, bias="right")]

    summary = summarize_reading(records, now=NOW, days=30)

    assert sum(share.share for share in summary.sides) == 100


def test_unrated_sources_are_counted_apart_and_never_as_center():
    records = [read(1, bias="unrated"), read(2, bias="left")]

    summary = summarize_reading(records, now=NOW, days=30)

    assert (summary.unrated_bias_count, side_counts(summary)["center"]) == (1, 0)


def test_opening_the_same_article_twice_counts_once():
    records = [read(1, days_ago=1), read(1, days_ago=2)]

    assert summarize_reading(records, now=NOW, days=30).article_count == 1


def test_reads_older_than_the_window_are_left_out():
    records = [read(1, days_ago=6.9), read(2, days_ago=7), read(3, days_ago=20)]

    assert summarize_reading(records, now=NOW, days=7).article_count == 1


def test_reads_in_the_future_are_left_out():
    assert summarize_reading([read(1, days_ago=-1)], now=NOW, days=7).article_count == 0


def test_factuality_mix_counts_reads_per_level():
    records = [read(1, factuality="high"), read(2, factuality="high"), read(3, factuality="low")]

    summary = summarize_reading(records, now=NOW, days=30)

    counts = {row.key: row.count for row in summary.factuality if row.count}
    assert counts == {"high": 2, "low": 1}


def test_top_outlets_are_ordered_by_reads_then_name():
    records = [
        read(1, source_id=2),
        read(2, source_id=2),
        read(3, source_id=3),
        read(4, source_id=1),
    ]

    summary = summarize_reading(records, now=NOW, days=30)

    assert [(o.source_id, o.count) for o in summary.top_outlets] == [(2, 2), (1, 1), (3, 1)]


def test_top_outlets_are_limited_to_five():
    records = [read(n, source_id=n) for n in range(1, 9)]

    assert len(summarize_reading(records, now=NOW, days=30).top_outlets) == 5


def test_blindspot_stories_read_are_listed_once_each():
    records = [
        read(1, story_id=10, blindspot="left"),
        read(2, story_id=10, blindspot="left"),
        read(3, story_id=11, blindspot=""),
    ]

    summary = summarize_reading(records, now=NOW, days=30)

    assert [(b.story_id, b.side) for b in summary.blindspots] == [(10, "left")]


def test_an_empty_history_gives_zero_shares():
    summary = summarize_reading([], now=NOW, days=90)

    assert [share.share for share in summary.sides] == [0, 0, 0]


def test_chart_data_carries_the_side_and_factuality_counts():
    summary = summarize_reading([read(1, bias="left", factuality="mixed")], now=NOW, days=30)

    data = summary.chart_data()

    assert (data["side_counts"], data["factuality_counts"]) == ([1, 0, 0], [0, 0, 0, 1, 0, 0])


def test_known_windows_are_kept():
    assert [window_days(raw) for raw in ("7", "30", "90")] == [7, 30, 90]


def test_unknown_windows_fall_back_to_thirty_days():
    assert [window_days(raw) for raw in (None, "", "365", "abc", "-7")] == [30] * 5
