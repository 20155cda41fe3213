import json
import random
from datetime import UTC, datetime, timedelta

from stories.coverage import (
    POINT_ORDER,
    SIDE_POINTS,
    BlindspotParams,
    CoverageMember,
    blindspot_candidate,
    compute_figures,
    largest_remainder_percentages,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def member(article_id: int, source_id: int, bias: str = "center", **kwargs) -> CoverageMember:
    kwargs.setdefault("seen_at", T0)
    return CoverageMember(article_id=article_id, source_id=source_id, bias=bias, **kwargs)


def sources(*biases: str) -> list[CoverageMember]:
    """One article from each of a run of outlets rated ``biases``."""
    return [member(i, i, bias) for i, bias in enumerate(biases, start=1)]


# The case: Left 3 (one per point), Center 3, Right 3 (Lean Right).
THREE_THREE_THREE = sources("far_left", "left", "lean_left", *["center"] * 3, *["lean_right"] * 3)


def test_largest_remainder_shares_add_up_to_one_hundred():
    assert largest_remainder_percentages([1, 1, 1]) == [34, 33, 33]


def test_largest_remainder_gives_leftover_points_to_largest_remainders():
    assert largest_remainder_percentages([2, 5, 4]) == [18, 46, 36]


def test_largest_remainder_of_nothing_is_all_zero():
    assert largest_remainder_percentages([0, 0, 0]) == [0, 0, 0]


def test_sentence_names_the_largest_side_with_its_rounded_share_of_the_rated_sources():
    members = [member(1, 1, "left"), member(2, 2, "lean_left")]
    members += [member(i, i, "center") for i in range(3, 8)]
    members += [member(i, i, "right") for i in range(8, 12)]
    figures = compute_figures(members)
    assert figures.sentence == "46% of the rated sources are Center"


def test_a_three_way_tie_names_every_side_with_its_count_instead_of_a_rounded_share():
    """Real feeds: a 3/3/3 split read "33% of the sources are Center" beside Left 34%."""
    figures = compute_figures(THREE_THREE_THREE)

    assert [figures.sides[side].share for side in ("left", "center", "right")] == [34, 33, 33]
    assert figures.sentence == "Left, Center and Right each have 3 of the 9 rated sources"
    assert figures.largest_side == ""


def test_a_two_way_tie_names_both_sides():
    figures = compute_figures(sources("left", "left", "right", "right", "center"))
    assert figures.sentence == "Left and Right each have 2 of the 5 rated sources"


def test_in_a_three_way_split_the_seven_point_table_agrees_with_each_side():
    """Real feeds: the 7-point table gave Center 34% while the Center side showed 33%."""
    figures = compute_figures(THREE_THREE_THREE)

    assert figures.points["center"].share == figures.sides["center"].share == 33
    assert figures.points["lean_right"].share == figures.sides["right"].share == 33
    left_points = [figures.points[point].share for point in ("far_left", "left", "lean_left")]
    assert sum(left_points) == figures.sides["left"].share == 34


def test_every_sides_points_add_up_to_the_side_share_for_any_mix_of_outlets():
    draw = random.Random(14)
    for _ in range(500):
        biases = [draw.choice([*POINT_ORDER, "unrated"]) for _ in range(draw.randint(1, 40))]
        figures = compute_figures(sources(*biases))
        for side, points in SIDE_POINTS.items():
            assert sum(figures.points[p].share for p in points) == figures.sides[side].share
        if figures.rated_source_count:
            assert sum(point.share for point in figures.points.values()) == 100


def test_one_rated_outlet_of_two_is_not_one_hundred_percent_of_the_sources():
    """Real feeds: "100% of the sources are Center" when one of two outlets is unrated."""
    figures = compute_figures(sources("center", "unrated"))
    assert figures.sentence == "100% of the rated sources are Center (1 of 2 sources is rated)"


def test_the_sentence_counts_unrated_outlets_when_there_are_some():
    figures = compute_figures(sources("center", "center", "left", "unrated", "unrated"))
    assert figures.sentence == "67% of the rated sources are Center (3 of 5 sources are rated)"


def test_far_left_left_and_lean_left_are_grouped_as_left():
    figures = compute_figures(
        [member(1, 1, "far_left"), member(2, 2, "left"), member(3, 3, "lean_left")]
    )
    assert figures.sides["left"].count == 3


def test_unrated_sources_are_counted_apart_and_excluded_from_shares():
    figures = compute_figures([member(1, 1, "center"), member(2, 2, "unrated")])
    assert (figures.unrated_count, figures.sides["center"].share) == (1, 100)


def test_a_source_with_several_articles_counts_once():
    figures = compute_figures([member(1, 7, "right"), member(2, 7, "right")])
    assert (figures.article_count, figures.source_count, figures.sides["right"].count) == (
        2,
        1,
        1,
    )


def test_wire_copies_count_once_as_origins():
    figures = compute_figures(
        [member(1, 1), member(2, 2, wire_origin_id=1), member(3, 3, wire_origin_id=1)]
    )
    assert figures.origin_count == 1


def test_seven_point_shares_add_up_to_one_hundred():
    points = ["far_left", "left", "lean_left", "center", "lean_right", "right", "far_right"]
    figures = compute_figures([member(i, i, bias) for i, bias in enumerate(points)])
    assert sum(point.share for point in figures.points.values()) == 100


def test_the_tabs_count_sources_per_side_like_the_coverage_box():
    figures = compute_figures(
        [member(1, 1, "left"), member(2, 1, "left"), member(3, 2, "unrated"), member(4, 3)]
    )
    assert figures.sources_by_side == {"left": 1, "center": 1, "right": 0, "unrated": 1}
    assert figures.articles_by_side == {"left": 2, "center": 1, "right": 0, "unrated": 1}


def test_story_without_rated_sources_says_so():
    figures = compute_figures([member(1, 1, "unrated")])
    assert figures.sentence == "No rated sources yet"


def test_left_blindspot_when_enough_sources_few_on_the_left_and_the_left_publishing():
    members = [member(i, i, "right") for i in range(5)] + [member(9, 9, "lean_left")]
    assert compute_figures(members, side_articles_published=10).blindspot == "left"


def test_no_blindspot_when_the_side_published_too_little_in_the_period():
    members = [member(i, i, "right") for i in range(5)] + [member(9, 9, "lean_left")]
    figures = compute_figures(members, side_articles_published=9)
    assert (figures.blindspot, figures.blindspot_check.side_articles_published) == ("", 9)


def test_with_no_right_leaning_outlet_publishing_no_story_is_a_right_blindspot():
    """Real feeds: with no right-leaning outlet among the feeds, every story with 5 rated
    sources (Iran talks, Peru, Ukraine) became a "Right blindspot"."""
    figures = compute_figures(sources("lean_left", "lean_left", "left", "center", "center"))

    assert figures.blindspot == ""
    assert figures.as_dict()["blindspot_reason"] == (
        "None of the 5 rated sources leans right, but no right-leaning outlet we follow "
        "published anything in this period, so their absence says nothing: not a blindspot"
    )


def test_a_blindspot_says_why_with_the_sides_sources_and_output():
    """The issue's wording: "3 of 24 rated sources lean right; right-leaning outlets
    published 140 articles in this period"."""
    members = sources(*["lean_left"] * 12, *["center"] * 9, *["right"] * 3)

    figures = compute_figures(members, side_articles_published=140)

    assert figures.blindspot == "right"
    assert figures.as_dict()["blindspot_reason"] == (
        "3 of 24 rated sources lean right; right-leaning outlets published 140 articles in "
        "this period"
    )


def test_the_period_is_the_storys_span_widened_each_way():
    members = [member(1, 1, "right", seen_at=T0), member(2, 2, "right", seen_at=T0)]
    members += [member(i, i, "right", seen_at=T0 + timedelta(hours=5)) for i in range(3, 6)]
    params = BlindspotParams(window_padding_hours=12)

    candidate = blindspot_candidate(members, params=params)

    assert (candidate.side, candidate.period_start, candidate.period_end) == (
        "left",
        T0 - timedelta(hours=12),
        T0 + timedelta(hours=17),
    )


def test_no_blindspot_below_the_minimum_number_of_rated_sources():
    members = [member(i, i, "right") for i in range(4)]
    assert compute_figures(members, side_articles_published=100).blindspot == ""


def test_center_only_story_is_not_a_blindspot_nor_a_candidate():
    members = [member(i, i, "center") for i in range(6)]
    figures = compute_figures(members, side_articles_published=100)
    assert (figures.blindspot, figures.blindspot_check) == ("", None)


def test_blindspot_thresholds_are_parameters():
    members = [member(i, i, "left") for i in range(3)]
    params = BlindspotParams(min_rated_sources=3, max_side_share=10, min_side_articles=1)
    figures = compute_figures(members, params=params, side_articles_published=1)
    assert figures.blindspot == "right"


def test_factuality_and_ownership_count_sources():
    figures = compute_figures(
        [
            member(1, 1, factuality="high", ownership="non_profit"),
            member(2, 1, factuality="high", ownership="non_profit"),
            member(3, 2, factuality="mixed", ownership="corporation"),
        ]
    )
    assert (figures.factuality["high"], figures.ownership["corporation"]) == (1, 1)


def test_first_seen_and_last_updated_span_the_articles():
    figures = compute_figures(
        [member(1, 1, seen_at=T0 + timedelta(hours=3)), member(2, 2, seen_at=T0)]
    )
    assert (figures.first_seen_at, figures.last_updated_at) == (T0, T0 + timedelta(hours=3))


def test_figures_dict_is_json_ready():
    figures = compute_figures([member(1, 1, seen_at=T0)])
    assert json.loads(json.dumps(figures.as_dict()))["first_seen_at"] == T0.isoformat()


def test_column_values_match_the_side_counts():
    figures = compute_figures([member(1, 1, "left"), member(2, 2, "right"), member(3, 3)])
    columns = figures.column_values()
    assert (columns["left_count"], columns["center_count"], columns["right_count"]) == (1, 1, 1)
