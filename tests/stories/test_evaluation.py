"""stories.evaluation: the scores of the shared stories README, on examples worked by hand."""

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stories.evaluation import (
    MixedCluster,
    Scores,
    SplitEvent,
    bcubed_non_trivial,
    cut_at_gaps,
    every_item_alone,
    harmonic_mean,
    mean_scores,
    mixed_clusters,
    pairwise,
    split_events,
)

# Gold: a, b and c report event E1; d and e have no counterpart.
GOLD = {"a": "E1", "b": "E1", "c": "E1", "d": "single-d", "e": "single-e"}
# Predicted: a and b together (right), c with d (wrong), e alone (right).
PREDICTED = {"a": "S1", "b": "S1", "c": "S2", "d": "S2", "e": "S3"}


def test_bcubed_averages_only_the_articles_in_a_group_of_two_or_more():
    # e is alone in both and does not count. a, b: P 1, R 2/3. c: P 1/2, R 1/3. d: P 1/2, R 1.
    scores = bcubed_non_trivial(PREDICTED, GOLD)

    assert scores.precision == pytest.approx(3 / 4)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(12 / 17)


def test_articles_alone_in_both_clusterings_do_not_change_the_bcubed_scores():
    more_gold = {**GOLD, **{f"x{n}": f"single-x{n}" for n in range(50)}}
    more_predicted = {**PREDICTED, **{f"x{n}": f"T{n}" for n in range(50)}}

    assert bcubed_non_trivial(more_predicted, more_gold) == bcubed_non_trivial(PREDICTED, GOLD)


def test_an_article_alone_in_gold_but_grouped_by_the_method_counts():
    # d has no counterpart, but the method put it with c: d is scored (P 1/2, R 1).
    only_d = {"c": "E1", "d": "single-d"}

    scores = bcubed_non_trivial({"c": "S", "d": "S"}, only_d)

    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1.0)


def test_every_article_alone_has_full_bcubed_precision_and_recall_one_over_event_size():
    # Non-trivial: a, b, c (gold event of 3), each with P 1 and R 1/3.
    scores = bcubed_non_trivial(every_item_alone(GOLD), GOLD)

    assert scores.precision == pytest.approx(1.0)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(1 / 2)


def test_every_article_alone_predicts_no_pair_so_nothing_wrong_and_nothing_found():
    scores = pairwise(every_item_alone(GOLD), GOLD)

    assert (scores.predicted_pairs, scores.gold_pairs, scores.correct_pairs) == (0, 3, 0)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)


def test_pairwise_counts_the_pairs_put_together_that_share_an_event():
    # Predicted pairs: a-b (right), c-d (wrong). Gold pairs: a-b, a-c, b-c.
    scores = pairwise(PREDICTED, GOLD)

    assert (scores.predicted_pairs, scores.gold_pairs, scores.correct_pairs) == (2, 3, 1)
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(2 / 5)


def test_everything_in_one_story_has_full_recall_and_low_precision():
    one_story = dict.fromkeys(GOLD, "S")

    bcubed = bcubed_non_trivial(one_story, GOLD)
    pairs = pairwise(one_story, GOLD)

    # a, b, c: P 3/5; d, e: P 1/5. Pairs: 3 right of 10.
    assert (bcubed.precision, bcubed.recall) == (pytest.approx(11 / 25), pytest.approx(1.0))
    assert (pairs.precision, pairs.recall) == (pytest.approx(3 / 10), pytest.approx(1.0))


def test_the_same_grouping_under_other_names_scores_perfectly():
    renamed = {item: f"story-{label}" for item, label in GOLD.items()}

    assert bcubed_non_trivial(renamed, GOLD) == Scores(1.0, 1.0, 1.0)
    assert pairwise(renamed, GOLD).f1 == 1.0


def test_nothing_grouped_on_either_side_is_a_perfect_score():
    alone = every_item_alone("xyz")

    assert bcubed_non_trivial(alone, alone) == Scores(1.0, 1.0, 1.0)
    assert pairwise(alone, alone).f1 == 1.0


def test_scoring_different_articles_is_an_error():
    with pytest.raises(ValueError, match="1 missing, 0 extra"):
        pairwise({"a": "S"}, {"a": "E", "b": "E"})


def test_mixed_clusters_lists_stories_with_wrong_pairs_worst_first():
    predicted = {"a": "S1", "b": "S1", "c": "S1", "d": "S2", "e": "S2"}
    gold = {"a": "E1", "b": "E2", "c": "E3", "d": "E1", "e": "E4"}

    assert mixed_clusters(predicted, gold, limit=5) == [
        MixedCluster(label="S1", members=("a", "b", "c"), wrong_pairs=3),
        MixedCluster(label="S2", members=("d", "e"), wrong_pairs=1),
    ]
    assert len(mixed_clusters(predicted, gold, limit=1)) == 1


def test_split_events_lists_events_over_several_stories_worst_first():
    assert split_events(PREDICTED, GOLD, limit=5) == [
        SplitEvent(event="E1", members=("a", "b", "c"), cluster_count=2, missed_pairs=2)
    ]


def test_an_event_is_cut_where_its_articles_lie_further_apart_than_the_window():
    day = datetime(2026, 2, 13, tzinfo=UTC)
    # a, b, c run up to and cover one event, a day apart each; d comes four days after c.
    times = {"a": day, "b": day + timedelta(days=1), "c": day + timedelta(days=2)}
    times |= {"d": day + timedelta(days=6), "e": day}

    cut = cut_at_gaps(GOLD | {"d": "E1"}, times, timedelta(hours=72))

    assert cut["a"] == cut["b"] == cut["c"]
    assert len({cut["a"], cut["d"], cut["e"]}) == 3
    assert pairwise(cut, GOLD | {"d": "E1"}).precision == 1.0


def test_mean_scores_averages_each_figure():
    mean = mean_scores([Scores(1.0, 0.5, 0.6), Scores(0.5, 0.5, 0.4)])

    assert mean == Scores(0.75, 0.5, 0.5)


def test_harmonic_mean_of_nothing_is_zero():
    assert harmonic_mean(0.0, 0.0) == 0.0


def _labels(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["n"]: row["event"] for row in csv.DictReader(handle, delimiter="\t")}


def test_the_labellers_agree_as_the_shared_readme_says(shared_data):
    """The README's ceiling (B against A: non-trivial P 0.956, R 0.942, F1 0.949; pairwise F1
    0.914) checks that these functions score as the labels were meant to be scored."""
    labels_a = _labels(shared_data / "stories" / "labels_a.tsv")
    labels_b = _labels(shared_data / "stories" / "labels_b.tsv")

    bcubed = bcubed_non_trivial(labels_b, labels_a)
    pairs = pairwise(labels_b, labels_a)

    assert (round(bcubed.precision, 3), round(bcubed.recall, 3)) == (0.956, 0.942)
    assert round(bcubed.f1, 3) == 0.949
    assert round(pairs.f1, 3) == 0.914
