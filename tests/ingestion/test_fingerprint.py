"""Wire-copy detection on real article bodies from pages/aeb."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.fingerprint import (
    FingerprintedArticle,
    find_wire_origin,
    hamming_distance,
    simhash,
)

T0 = datetime(2026, 2, 18, tzinfo=UTC)


@pytest.fixture(scope="module")
def bodies(shared_data):
    truth = json.loads((shared_data / "pages/aeb/ground-truth.json").read_text())
    texts = [v["articleBody"] for v in truth.values()]
    return [t for t in texts if len(t.split()) > 300][:6]


def test_a_wire_copy_with_a_new_dateline_and_credit_is_a_near_duplicate(bodies):
    original = bodies[0]
    copy = "WASHINGTON (AP) — " + original + "\n\nCopyright 2026 The Associated Press."

    assert hamming_distance(simhash(original), simhash(copy)) <= 3


def test_different_articles_are_far_apart(bodies):
    fingerprints = [simhash(text) for text in bodies]

    distances = [
        hamming_distance(a, b) for i, a in enumerate(fingerprints) for b in fingerprints[i + 1 :]
    ]
    assert min(distances) > 10


def test_a_teaser_is_not_fingerprinted():
    assert simhash("Short teaser text about a story.") is None


def test_fingerprints_fit_a_signed_bigint(bodies):
    assert all(-(2**63) <= simhash(text) < 2**63 for text in bodies)


def test_the_origin_is_the_earliest_match_and_copies_point_at_their_origin(bodies):
    fingerprint = simhash(bodies[0])
    origin = FingerprintedArticle(1, fingerprint, T0, T0, None)
    copy = FingerprintedArticle(2, fingerprint ^ 1, T0 + timedelta(hours=1), T0, 1)
    unrelated = FingerprintedArticle(3, simhash(bodies[1]), T0 - timedelta(hours=5), T0, None)

    assert find_wire_origin(fingerprint=fingerprint, candidates=[copy, unrelated, origin]) == origin


def test_no_match_gives_no_origin(bodies):
    unrelated = FingerprintedArticle(3, simhash(bodies[1]), T0, T0, None)

    assert find_wire_origin(fingerprint=simhash(bodies[0]), candidates=[unrelated]) is None


def test_fingerprints_stay_the_ones_already_stored(bodies):
    """Stored fingerprints are compared with new ones, so a faster simhash must give the same
    bits. Pinned from the first implementation (one 64-character bit row per shingle)."""
    assert [simhash(bodies[0]), simhash(bodies[5])] == [
        2062970606639422200,
        -1698638334212169286,
    ]
