"""stories.reader: pure presentation helpers, no database."""

from datetime import UTC, date, datetime, timedelta

from stories import access, page_cache, reader
from stories.reader import ArticleRow

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def row(id: int, bias: str = "center", minutes_ago: int = 0, **fields) -> ArticleRow:
    values = {
        "id": id,
        "title": f"Title {id}",
        "url": f"https://example.org/{id}",
        "excerpt": "",
        "published_at": NOW - timedelta(minutes=minutes_ago),
        "source_name": f"Outlet {id}",
        "source_slug": f"outlet-{id}",
        "bias": bias,
    }
    return ArticleRow(**(values | fields))


def test_relative_time_says_minutes_for_the_last_hour():
    assert reader.relative_time(NOW - timedelta(minutes=5), NOW) == "5 minutes ago"


def test_relative_time_uses_the_singular_for_one_hour():
    assert reader.relative_time(NOW - timedelta(minutes=61), NOW) == "1 hour ago"


def test_relative_time_says_yesterday_for_one_day():
    assert reader.relative_time(NOW - timedelta(hours=30), NOW) == "yesterday"


def test_relative_time_gives_a_date_after_a_week():
    assert reader.relative_time(NOW - timedelta(days=9), NOW) == "1 Mar 2026"


def test_excerpt_cuts_at_a_word_and_adds_an_ellipsis():
    assert reader.excerpt("one two three four", limit=9) == "one two…"


def test_excerpt_keeps_short_text_whole():
    assert reader.excerpt("  short   text ") == "short text"


def test_an_unknown_side_filter_means_all():
    assert reader.parse_side("<script>") == "all"


def test_an_unknown_sort_means_newest():
    assert reader.parse_sort("random") == "newest"


def test_a_page_number_that_is_not_a_number_means_the_first_page():
    assert reader.parse_page("x") == 1


def test_select_side_keeps_only_that_sides_articles():
    rows = [row(1, "far_left"), row(2, "center"), row(3, "lean_left"), row(4, "unrated")]

    assert [r.id for r in reader.select_side(rows, "left")] == [1, 3]


def test_sort_by_bias_goes_from_far_left_to_far_right_with_unrated_last():
    rows = [row(1, "right"), row(2, "unrated"), row(3, "far_left"), row(4, "center")]

    assert [r.id for r in reader.sort_rows(rows, "bias")] == [3, 4, 1, 2]


def test_sort_newest_puts_the_latest_article_first():
    rows = [row(1, minutes_ago=30), row(2, minutes_ago=5), row(3, minutes_ago=60)]

    assert [r.id for r in reader.sort_rows(rows, "newest")] == [2, 1, 3]


def test_wire_copies_are_collapsed_under_their_origin():
    rows = [row(1), row(2, wire_origin_id=1), row(3, wire_origin_id=1), row(4)]

    entries = reader.group_wire_copies(rows)

    assert [(e.article.id, [c.id for c in e.copies]) for e in entries] == [(1, [2, 3]), (4, [])]


def test_the_copies_sentence_names_the_origin_outlet():
    entry = reader.ArticleEntry(
        article=row(1, source_name="Continental Press"), copies=(row(2), row(3), row(4))
    )

    assert entry.copies_sentence == "+3 sites ran this Continental Press story"


def test_a_copy_whose_origin_is_not_listed_stands_alone():
    entries = reader.group_wire_copies([row(2, wire_origin_id=99)])

    assert [e.article.id for e in entries] == [2]


def test_side_tabs_count_sources_per_side_with_an_unrated_tab_and_all():
    tabs = reader.side_tabs({"left": 2, "center": 3, "right": 1, "unrated": 4}, "right")

    assert [(t.key, t.count, t.active) for t in tabs] == [
        ("all", 10, False),
        ("left", 2, False),
        ("center", 3, False),
        ("right", 1, True),
        ("unrated", 4, False),
    ]


def test_the_unrated_filter_is_a_side_filter():
    assert reader.parse_side("unrated") == "unrated"


def test_a_blindspot_note_is_read_from_schema_two_figures():
    figures = {
        "blindspot_check": {
            "side": "right",
            "flagged": False,
            "period_start": "2026-02-16T21:00:00+00:00",
            "period_end": "2026-02-18T09:00:00+00:00",
        },
        "blindspot_reason": "None of the 5 rated sources leans right, but …",
    }

    note = reader.blindspot_note(figures)

    assert (note.side_label, note.flagged, note.period_end.hour) == ("Right", False, 9)


def test_figures_without_a_blindspot_check_have_no_note():
    assert reader.blindspot_note({"schema": 1, "blindspot": "left"}) is None


def test_bar_segments_add_up_to_the_whole_bar():
    segments = reader.bar_segments(1, 1, 1)

    assert [(s.offset, s.share) for s in segments] == [(0, 34), (34, 33), (67, 33)]


def test_chart_payload_groups_the_seven_points_under_their_side():
    figures = {
        "sentence": "50% of the sources are Left",
        "sides": {"left": {"count": 2, "share": 50}},
        "points": {"far_left": {"count": 1, "share": 25}, "lean_left": {"count": 1, "share": 25}},
    }

    left = reader.chart_payload(figures)["sides"][0]

    assert [p["label"] for p in left["points"]] == ["Far Left", "Left", "Lean Left"]
    assert left["share"] == 50


def test_timeline_counts_articles_per_side_in_each_column():
    rows = [row(1, "left", 180), row(2, "right", 179), row(3, "center", 0)]

    timeline = reader.timeline(rows)

    assert dict(timeline.columns[0].counts) == {
        "left": 1,
        "center": 0,
        "right": 1,
        "unrated": 0,
    }
    assert sum(c.total for c in timeline.columns) == 3


def test_timeline_never_has_more_than_the_maximum_columns():
    rows = [row(i, minutes_ago=i * 600) for i in range(50)]

    assert len(reader.timeline(rows, max_buckets=12).columns) <= 12


def test_first_reporters_lists_distinct_outlets_earliest_first():
    rows = [
        row(1, minutes_ago=10),
        row(2, minutes_ago=50, source_slug="a"),
        row(3, minutes_ago=40, source_slug="a"),
        row(4, minutes_ago=30),
    ]

    assert [r.id for r in reader.first_reporters(rows)] == [2, 4, 1]


def test_a_story_with_more_sources_ranks_higher_at_the_same_age():
    hour_ago = NOW - timedelta(hours=1)

    assert reader.rank_score(20, hour_ago, NOW) > reader.rank_score(5, hour_ago, NOW)


def test_an_older_story_ranks_lower_with_the_same_sources():
    assert reader.rank_score(10, NOW - timedelta(hours=30), NOW) < reader.rank_score(
        10, NOW - timedelta(hours=1), NOW
    )


def test_the_etag_differs_by_tier():
    assert page_cache.page_etag("story", 1, 3, "free") != page_cache.page_etag(
        "story", 1, 3, "premium"
    )


def test_public_figures_drop_factuality_and_ownership_for_free_readers():
    figures = {"sides": {}, "factuality": {"high": 2}, "ownership": {"corporation": 1}}

    assert access.public_figures(figures, premium=False) == {"sides": {}}


def test_the_timeline_bucket_is_labelled_in_hours():
    rows = [row(1, minutes_ago=0), row(2, minutes_ago=60 * 48)]

    assert reader.timeline(rows, max_buckets=12).bucket_label == "4 hours"


def test_web_url_keeps_an_https_address():
    assert reader.web_url("https://news.example/a?b=1") == "https://news.example/a?b=1"


def test_web_url_drops_a_javascript_address():
    assert reader.web_url("JavaScript:alert(1)") == ""


def test_web_url_drops_an_address_with_a_control_character():
    assert reader.web_url("https://news.example/\x00") == ""


def test_rater_names_spell_out_the_stored_codes():
    assert reader.rater_names("allsides,mbfc") == "AllSides, Media Bias/Fact Check"


def test_coverage_by_day_adds_up_each_days_sources_per_side_with_empty_days_as_zeros():
    from stories.reader import SideDay, coverage_by_day

    day = datetime(2026, 2, 16, 9, tzinfo=UTC)
    rows = [(day, 1, 2, 0), (day + timedelta(hours=5), 1, 0, 3), (day + timedelta(days=2), 0, 1, 0)]

    assert coverage_by_day(rows) == [
        SideDay(date(2026, 2, 16), 2, 2, 3),
        SideDay(date(2026, 2, 17), 0, 0, 0),
        SideDay(date(2026, 2, 18), 0, 1, 0),
    ]


def test_coverage_by_day_keeps_only_the_latest_days():
    from stories.reader import coverage_by_day

    day = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [(day, 1, 0, 0), (day + timedelta(days=100), 0, 0, 1)]

    days = coverage_by_day(rows, max_days=10)

    assert len(days) == 10
    assert days[-1].right == 1
