"""sources.history: history lines from a change's values, and what free readers see of them."""

from datetime import date
from decimal import Decimal

from sources.history import describe, free_description, json_values, reason_is_free

RATING = {"bias_label": "Lean Left", "factuality_label": "High", "rated_on": "2023-05-01"}


def test_a_rating_line_lists_its_values_in_order():
    assert describe("rating:allsides", RATING) == (
        "bias Lean Left · factuality High · rated 2023-05-01"
    )


def test_free_readers_lose_the_factuality_of_a_rating():
    assert free_description("rating:allsides", RATING) == "bias Lean Left · rated 2023-05-01"


def test_free_readers_lose_the_reliability_score():
    values = {"bias_score": "-3.50", "reliability_score": "41.00"}

    assert free_description("rating:adfontes", values) == "bias score -3.50"


def test_the_combined_line_names_the_raters_with_the_factuality():
    values = {"bias": "lean_left", "factuality": "high", "rated_by": "allsides,mbfc"}

    assert describe("combined", values) == "bias Lean Left · factuality High by allsides,mbfc"
    assert free_description("combined", values) == "bias Lean Left"


def test_ownership_is_hidden_from_free_readers():
    values = {"ownership_category": "corporation", "owner_name": "X Inc."}

    assert describe("ownership", values) == "Corporation (X Inc.)"
    assert free_description("ownership", values) == ""


def test_a_display_line_that_looks_like_a_free_part_changes_nothing():
    """Gating reads the fields, not the text: a bias label that mentions factuality stays."""
    values = {"bias_label": "factuality High", "factuality_label": "Mixed"}

    assert free_description("rating:editor", values) == "bias factuality High"


def test_json_values_keep_scores_and_dates_as_text_and_drop_empty_ones():
    values = {"bias_score": Decimal("-3.50"), "rated_on": date(2023, 5, 1), "url": "", "x": None}

    assert json_values(values) == {"bias_score": "-3.50", "rated_on": "2023-05-01"}


def test_the_reason_of_a_change_to_free_values_only_is_free():
    assert reason_is_free("rating:allsides", {"bias_label": "Center"}, {"bias_label": "Left"})


def test_the_reason_of_a_rating_change_that_keeps_its_factuality_is_free():
    old = {"bias_label": "left-center", "factuality_label": "high"}

    assert reason_is_free("rating:mbfc", old, {**old, "bias_label": "left"})


def test_the_reason_of_a_factuality_change_is_premium():
    old = {"bias_label": "left-center", "factuality_label": "high"}

    assert not reason_is_free("rating:mbfc", old, {**old, "factuality_label": "mixed"})


def test_the_reason_of_a_removed_rating_with_a_factuality_is_premium():
    assert not reason_is_free("rating:mbfc", {"factuality_label": "high"}, {})


def test_the_reason_of_a_reliability_score_change_is_premium():
    assert not reason_is_free(
        "rating:adfontes", {"reliability_score": "41.00"}, {"reliability_score": "38.00"}
    )


def test_the_reason_of_any_ownership_change_is_premium():
    assert not reason_is_free("ownership", {}, {"ownership_category": "corporate"})


def test_the_reason_of_a_change_recorded_without_values_is_premium():
    assert not reason_is_free("rating:allsides", {}, {})


def test_our_own_labels_are_spelled_out_in_the_history_of_editors_and_the_demo_rater():
    values = {"bias_label": "lean_left", "factuality_label": "mostly_factual"}

    assert describe("rating:editor", values) == "bias Lean Left · factuality Mostly Factual"
    assert describe("rating:demo", values) == "bias Lean Left · factuality Mostly Factual"


def test_a_raters_published_words_stay_as_published_in_the_history():
    assert describe("rating:mbfc", {"bias_label": "left-center"}) == "bias left-center"
