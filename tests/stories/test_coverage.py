from datetime import UTC, datetime, timedelta

from stories.coverage import (
    CoverageMember,
    compute_figures,
    largest_remainder_percentages,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def member(article_id: int, source_id: int, bias: str = "center", **kwargs) -> CoverageMember:
    return CoverageMember(article_id=article_id, source_id=source_id, bias=bias, **kwargs)


def test_largest_remainder_shares_add_up_to_one_hundred():
    assert largest_remainder_percentages([1, 1, 1]) == [34, 33, 33]


def test_largest_remainder_gives_leftover_points_to_largest_remainders():
    assert largest_remainder_percentages([2, 5, 4]) == [18, 46, 36]


def test_largest_remainder_of_nothing_is_all_zero():
    assert largest_remainder_percentages([0, 0, 0]) == [0, 0, 0]


def test_sentence_names_the_largest_side_with_its_rounded_share():
    members = [member(1, 1, "left"), member(2, 2, "lean_left")]
    members += [member(i, i, "center") for i in range(3, 8)]
    members += [member(i, i, "right") for i in range(8, 12)]
    figures = compute_figures(members)
    assert figures.sentence == "46% of the sources are Center"


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


def test_story_without_rated_sources_says_so():
    figures = compute_figures([member(1, 1, "unrated")])
    assert figures.sentence == "No rated sources yet"


def test_left_blindspot_when_enough_sources_and_few_on_the_left():
    members = [member(i, i, "right") for i in range(5)] + [member(9, 9, "lean_left")]
    assert compute_figures(members).blindspot == "left"


def test_no_blindspot_below_the_minimum_number_of_rated_sources():
    members = [member(i, i, "right") for i in range(4)]
    assert compute_figures(members).blindspot == ""


def test_center_only_story_is_not_a_blindspot():
    members = [member(i, i, "center") for i in range(6)]
    assert compute_figures(members).blindspot == ""


def test_blindspot_thresholds_are_parameters():
    members = [member(i, i, "left") for i in range(3)]
    figures = compute_figures(members, min_rated_sources=3, max_side_share=10)
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
    import json

    figures = compute_figures([member(1, 1, seen_at=T0)])
    assert json.loads(json.dumps(figures.as_dict()))["first_seen_at"] == T0.isoformat()


def test_column_values_match_the_side_counts():
    figures = compute_figures([member(1, 1, "left"), member(2, 2, "right"), member(3, 3)])
    columns = figures.column_values()
    assert (columns["left_count"], columns["center_count"], columns["right_count"]) == (1, 1, 1)
