"""bench/summaries.py: which sentences count as offered for a bullet. No database."""

import pytest

from tests.bench.scripts import bench_script


@pytest.fixture(scope="module")
def bench():
    with bench_script("summaries") as module:
        yield module


@pytest.mark.parametrize(
    "sentence",
    [
        # The Washington Post's standing strike map, beside its report of the drug-boat strikes.
        "An ongoing record of U.S. strikes in the Caribbean and eastern Pacific in the leadup "
        "to the attack on Venezuela and apprehension of President Nicolás Maduro.",
        # El País on West Bank land registration: "she" is named in the sentence before.
        "\u201cI feel,\u201d she said, \u201clike someone who stops at a traffic light and "
        "suddenly the light turns green.\u201d",
        # El País on Robert Duvall: an unattributed quotation about an unnamed "he".
        "\u201cTo the world, he was an Academy Award-winning actor, a director, a storyteller. "
        "To me, he was simply everything.\u201d",
    ],
)
def test_a_sentence_that_cannot_stand_alone_is_not_offered(bench, sentence):
    """These made the three stories "short" although no reader would take them as bullets."""
    assert not bench.informative(sentence)


def test_a_report_sentence_is_offered(bench):
    sentence = (
        "U.S. forces have sunk three alleged drug\u2010running boats in the Caribbean and the "
        "Pacific, in attacks that left 11 people dead, according to U.S. Southern Command."
    )

    assert bench.informative(sentence)


def test_sentences_repeating_each_other_are_offered_once(bench):
    texts = [
        "Peru's Congress voted on Tuesday to remove interim President José Jerí from office.",
        "On Tuesday Peru's Congress voted to remove interim President José Jerí from his office.",
    ]

    assert len(bench.distinct_sentences(texts, bench.informative)) == 1
