"""The mapping table on every value each rater uses in the shared files, and combine_ratings."""

import csv
import json
from pathlib import Path

import pytest

from sources.ratings import (
    BIAS,
    FACTUALITY,
    MAPPING,
    RaterVerdict,
    ad_fontes_bias,
    ad_fontes_reliability,
    combine_ratings,
    mapping_row,
    read_bias,
    read_factuality,
)
from sources.scales import BIAS_VALUES, FACTUALITY_VALUES, BiasLabel, FactualityLabel, Rater


def _column(path: Path, column: str, delimiter: str = ",") -> set[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row[column] for row in csv.DictReader(handle, delimiter=delimiter)} - {""}


def _assert_each_is_documented(rater: str, scale: str, values: set[str]) -> None:
    """Each value maps to one of our labels, or is a row documented as not a rating."""
    undocumented = sorted(v for v in values if mapping_row(rater, scale, v) is None)
    assert undocumented == []
    for value in values:
        row = mapping_row(rater, scale, value)
        labels = BIAS_VALUES if scale == BIAS else FACTUALITY_VALUES
        assert row.label in labels or (row.label == "" and row.value is None), value


def test_every_allsides_2019_rating_is_documented(shared_data):
    values = _column(shared_data / "ratings" / "allsides_2019.csv", "rating")
    assert len(values) == 6
    _assert_each_is_documented(Rater.ALLSIDES, BIAS, values)


def test_allsides_2019_code_allsides_means_mixed_and_is_not_a_bias_rating():
    row = mapping_row(Rater.ALLSIDES, BIAS, "allsides")
    assert (row.label, row.value) == ("", None)


def test_every_allsides_2023_rating_is_documented(shared_data):
    values = _column(shared_data / "ratings" / "allsides_domains_2023.csv", "rating")
    assert values == {"Left", "Lean Left", "Center", "Lean Right", "Right", "Mixed"}
    _assert_each_is_documented(Rater.ALLSIDES, BIAS, values)


def test_every_mbfc_2024_bias_is_documented(shared_data):
    values = _column(shared_data / "ratings" / "mbfc_2024.csv", "bias")
    assert len(values) > 50  # the dump's many spellings all need a row
    _assert_each_is_documented(Rater.MBFC, BIAS, values)


def test_every_mbfc_2024_factual_reporting_is_documented(shared_data):
    values = _column(shared_data / "ratings" / "mbfc_2024.csv", "factual_reporting")
    _assert_each_is_documented(Rater.MBFC, FACTUALITY, values)


def test_every_mbfc_emnlp18_value_is_documented(shared_data):
    path = shared_data / "ratings" / "mbfc_emnlp18.tsv"
    _assert_each_is_documented(Rater.MBFC, BIAS, _column(path, "bias", "\t"))
    _assert_each_is_documented(Rater.MBFC, FACTUALITY, _column(path, "fact", "\t"))


def test_every_mbfc_2025_objective_reporting_score_is_documented(shared_data):
    records = json.loads((shared_data / "ratings" / "mbfc_factual_2025.json").read_text())
    values = {f"Objective Reporting {r['Objective Reporting']}" for r in records}
    assert len(values) == 7
    _assert_each_is_documented(Rater.MBFC, FACTUALITY, values)


def test_every_ad_fontes_score_falls_in_a_band(shared_data):
    with (shared_data / "ratings" / "adfontes_2022.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert ad_fontes_bias(float(row["bias"])).label in BIAS_VALUES
        assert ad_fontes_reliability(float(row["reliability"])).label in FACTUALITY_VALUES


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("left-center", BiasLabel.LEAN_LEFT),
        ("extreme-right", BiasLabel.FAR_RIGHT),
        ("right conspiracy \u2013 pseudoscience", BiasLabel.RIGHT),
        ("pro-science (left-leaning)", BiasLabel.LEAN_LEFT),
        ("alt-right conspiracy", BiasLabel.FAR_RIGHT),
        ("least biased", BiasLabel.CENTER),
    ],
)
def test_mbfc_spellings_are_read_by_their_lean(published, expected):
    assert read_bias(RaterVerdict(Rater.MBFC, bias_label=published)).label == expected


@pytest.mark.parametrize("published", ["pro-science", "conspiracy-pseudoscience", "satire", ""])
def test_mbfc_categories_without_a_lean_are_not_a_bias_rating(published):
    assert read_bias(RaterVerdict(Rater.MBFC, bias_label=published)).value is None


def test_an_unknown_value_is_not_silently_mapped():
    assert read_bias(RaterVerdict(Rater.ALLSIDES, bias_label="very left")) is None


def test_mbfc_objective_reporting_6_is_very_high():
    verdict = RaterVerdict(Rater.MBFC, factuality_label="Objective Reporting 6")
    assert read_factuality(verdict).label == FactualityLabel.VERY_HIGH


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (-42, BiasLabel.FAR_LEFT),
        (-18.01, BiasLabel.LEFT),
        (-6.0, BiasLabel.CENTER),
        (6.01, BiasLabel.LEAN_RIGHT),
        (29.9, BiasLabel.RIGHT),
        (34.22, BiasLabel.FAR_RIGHT),
    ],
)
def test_ad_fontes_bias_bands_are_12_points_wide(score, expected):
    assert ad_fontes_bias(score).label == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (51.56, FactualityLabel.VERY_HIGH),
        (48.0, FactualityLabel.VERY_HIGH),
        (47.99, FactualityLabel.HIGH),
        (32.0, FactualityLabel.MOSTLY_FACTUAL),
        (24.5, FactualityLabel.MIXED),
        (16.0, FactualityLabel.LOW),
        (0.0, FactualityLabel.VERY_LOW),
    ],
)
def test_ad_fontes_reliability_bands_are_8_points_wide(score, expected):
    assert ad_fontes_reliability(score).label == expected


def test_an_ad_fontes_score_off_the_chart_is_refused():
    with pytest.raises(ValueError, match="outside"):
        ad_fontes_bias(50)


def test_the_mapping_table_has_one_row_per_published_value():
    keys = [(r.rater, r.scale, r.published) for r in MAPPING]
    assert len(keys) == len(set(keys))


def test_no_rating_is_unrated_not_center():
    combined = combine_ratings([])
    assert combined.bias == BiasLabel.UNRATED
    assert combined.bias_value is None
    assert combined.factuality == FactualityLabel.UNRATED


def test_a_mixed_outlet_is_unrated_not_center():
    combined = combine_ratings([RaterVerdict(Rater.ALLSIDES, bias_label="Mixed")])
    assert combined.bias == BiasLabel.UNRATED
    assert combined.raters == ()


def test_agreeing_raters_give_their_shared_label_with_no_spread():
    combined = combine_ratings(
        [
            RaterVerdict(Rater.ALLSIDES, bias_label="Lean Left"),
            RaterVerdict(Rater.MBFC, bias_label="left-center", factuality_label="high"),
        ]
    )
    assert (combined.bias, combined.bias_value, combined.bias_spread) == (
        BiasLabel.LEAN_LEFT,
        -1,
        0,
    )
    assert combined.bias_raters == (Rater.ALLSIDES, Rater.MBFC)
    assert combined.factuality == FactualityLabel.HIGH
    assert not combined.raters_disagree


def test_disagreeing_raters_average_and_show_the_spread():
    """ABC News: AllSides Lean Left, MBFC left-center, Ad Fontes -4.66 (near Center)."""
    combined = combine_ratings(
        [
            RaterVerdict(Rater.ALLSIDES, bias_label="Lean Left"),
            RaterVerdict(Rater.MBFC, bias_label="left-center"),
            RaterVerdict(Rater.AD_FONTES, bias_score=-4.66, reliability_score=46.64),
        ]
    )
    assert combined.bias == BiasLabel.LEAN_LEFT
    assert combined.bias_value == pytest.approx((-1 - 1 - 4.66 / 12) / 3, abs=0.001)
    assert combined.bias_spread == pytest.approx(1 - 4.66 / 12, abs=0.001)
    assert not combined.raters_disagree


def test_raters_two_points_apart_disagree():
    combined = combine_ratings(
        [
            RaterVerdict(Rater.ALLSIDES, bias_label="Lean Left"),
            RaterVerdict(Rater.MBFC, bias_label="right-center"),
        ]
    )
    assert combined.bias == BiasLabel.CENTER
    assert combined.bias_spread == 2
    assert combined.raters_disagree


def test_a_half_point_mean_goes_toward_center():
    combined = combine_ratings(
        [
            RaterVerdict(Rater.ALLSIDES, bias_label="Center"),
            RaterVerdict(Rater.MBFC, bias_label="right-center"),
        ]
    )
    assert (combined.bias, combined.bias_value) == (BiasLabel.CENTER, 0.5)


def test_a_half_level_mean_goes_to_the_lower_factuality():
    combined = combine_ratings(
        [
            RaterVerdict(Rater.MBFC, factuality_label="very high"),
            RaterVerdict(Rater.AD_FONTES, bias_score=0, reliability_score=41),
        ]
    )
    assert (combined.factuality, combined.factuality_value) == (FactualityLabel.HIGH, 4.5)


def test_an_editor_rating_overrides_the_raters_but_keeps_their_spread():
    combined = combine_ratings(
        [
            RaterVerdict(Rater.ALLSIDES, bias_label="Left"),
            RaterVerdict(Rater.MBFC, bias_label="left", factuality_label="mixed"),
            RaterVerdict(Rater.EDITOR, bias_label=BiasLabel.LEAN_RIGHT),
        ]
    )
    assert (combined.bias, combined.bias_value) == (BiasLabel.LEAN_RIGHT, 1)
    assert combined.bias_raters == (Rater.EDITOR,)
    assert combined.bias_spread == 3
    assert combined.raters_disagree


def test_an_editor_bias_leaves_factuality_to_the_raters():
    combined = combine_ratings(
        [
            RaterVerdict(Rater.MBFC, bias_label="left", factuality_label="mixed"),
            RaterVerdict(Rater.EDITOR, bias_label=BiasLabel.CENTER),
        ]
    )
    assert combined.factuality == FactualityLabel.MIXED
    assert combined.factuality_raters == (Rater.MBFC,)
    assert combined.raters == (Rater.MBFC, Rater.EDITOR)
