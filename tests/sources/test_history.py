"""sources.history: history lines from a change's values, and what free readers see of them."""

from datetime import date
from decimal import Decimal

from sources.history import describe, free_description, json_values

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
