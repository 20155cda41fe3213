"""Wire-copy detection on real article bodies from pages/aeb and real feed text."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from ingestion.feeds import parse_feed
from ingestion.fingerprint import (
    MAX_HAMMING_DISTANCE,
    FingerprintedArticle,
    agency_lead,
    find_wire_origin,
    first_sentence,
    hamming_distance,
    lead_fingerprint,
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


# --- agency leads: copies known only from their feed text ----------------------------------


@pytest.fixture(scope="module")
def reuters_items(shared_data):
    """Al-Monitor's feed items that are Reuters copy, as the feed parser stores them."""
    document = parse_feed(
        (shared_data / "feeds/outlets/al_monitor.rss.xml").read_bytes(), now=T0 + timedelta(days=1)
    )
    return [entry.summary for entry in document.entries if "(Reuters) -" in entry.summary]


def republished(text: str) -> str:
    """The copy as another outlet's feed runs it: byline and place dropped, an em dash."""
    return "(Reuters) — " + text.split("(Reuters) - ", 1)[1]


def test_a_republished_reuters_feed_text_has_the_same_lead_as_the_original(reuters_items):
    """Real feeds: feed text says "(Reuters) -" and copies share their first sentences, yet no
    copy was linked without page text."""
    original = reuters_items[0]

    assert lead_fingerprint(original) is not None
    assert lead_fingerprint(republished(original)) == lead_fingerprint(original)


def test_different_reuters_stories_have_different_leads(reuters_items):
    leads = [lead_fingerprint(text) for text in reuters_items]

    assert len(reuters_items) == 5
    assert len(set(leads)) == 5 and None not in leads


def test_a_copy_that_edits_a_later_sentence_keeps_the_lead():
    original = (
        "WASHINGTON (AP) — The Senate voted 52-48 on Tuesday to confirm the nominee after a "
        "day of debate. Democrats said they would keep pressing for hearings."
    )
    edited = (
        "WASHINGTON (AP) — The Senate voted 52-48 on Tuesday to confirm the nominee after a "
        "day of debate. The vote followed weeks of negotiations."
    )

    assert lead_fingerprint(original) == lead_fingerprint(edited) is not None


def test_the_first_sentence_runs_past_initials_and_abbreviations():
    text = "The U.S. envoy met Iran's Dr. Araghchi on Feb. 17 in Geneva for talks. Then more."

    assert first_sentence(text) == (
        "The U.S. envoy met Iran's Dr. Araghchi on Feb. 17 in Geneva for talks."
    )


def test_a_paragraph_break_lost_by_the_feed_still_ends_the_first_sentence(reuters_items):
    """Al-Monitor's items run paragraphs together: "…or the region.In December, Erdogan…"."""
    erdogan = next(text for text in reuters_items if "Erdogan" in text)

    assert first_sentence(agency_lead(erdogan)).endswith("Somaliland or the region.")


def test_own_one_line_summaries_of_one_event_have_no_lead():
    """Real descriptions of the Hormuz drills by three outlets (17 February 2026): same event,
    own words, no agency dateline, so never linked as copies."""
    summaries = [
        "The day before nuclear talks were set to resume, Iran conducted live drills in the "
        "Strait of Hormuz, a strategic waterway for oil and gas shipments.",
        "Iran announced the temporary closure of the Strait of Hormuz for live fire military "
        "drills as its negotiators held another round of indirect talks with the United States "
        "in Geneva over its disputed nuclear program",
        "It was the first time Iran has announced the closure of the key international waterway.",
    ]

    assert [lead_fingerprint(text) for text in summaries] == [None, None, None]
    assert [simhash(text) for text in summaries] == [None, None, None]


@pytest.mark.parametrize(
    "text",
    [
        # NDTV (17 Feb 2026): an interview given to the agency is not the agency's copy.
        "Artificial intelligence could pose an existential threat to humanity, top computer "
        "science researcher Stuart Russell told AFP on Tuesday, calling for governments to act.",
        # Rest of World: a photo credit.
        "Kenya medical training college students use their mobile phones to take pictures of "
        "doctors chanting in the capital, Nairobi on April 16, 2024. (Photo by SIMON MAINA / AFP)",
    ],
)
def test_an_agency_named_in_passing_is_no_agency_marker(text):
    assert agency_lead(text) == ""


def test_an_agency_sign_off_at_the_end_marks_copy():
    text = (
        "Freed Belarusian dissident Ales Bialiatski vowed on Sunday to continue his fight for "
        "democracy from exile in Lithuania. — AFP"
    )

    assert lead_fingerprint(text) is not None


def test_a_dateline_before_a_short_first_sentence_is_not_enough():
    assert lead_fingerprint("KYIV (Reuters) - Explosions were heard in Kyiv. More soon.") is None


def test_a_copy_found_only_by_its_lead_points_at_the_earliest_article():
    lead = lead_fingerprint(republished("BEIRUT, Feb 17 (Reuters) - " + "word " * 20 + "end."))
    origin = FingerprintedArticle(1, None, T0, T0, None, lead_fingerprint=lead)
    other = FingerprintedArticle(2, None, T0 - timedelta(hours=1), T0, None, lead_fingerprint=7)

    assert find_wire_origin(fingerprint=None, lead=lead, candidates=[other, origin]) == origin


def test_no_two_outlets_in_the_shared_feeds_are_taken_for_copies_of_each_other(shared_data):
    """The 20 real feeds (850 items) hold no cross-outlet copy: any link would be false."""
    seen: dict[int, str] = {}
    hashes: list[tuple[str, int]] = []
    for path in sorted((shared_data / "feeds/outlets").glob("*.xml")):
        for entry in parse_feed(path.read_bytes(), now=T0 + timedelta(days=1)).entries:
            lead = lead_fingerprint(entry.summary)
            if lead is not None:
                assert seen.setdefault(lead, path.name) == path.name
            if (fingerprint := simhash(entry.summary)) is not None:
                hashes.append((path.name, fingerprint))
    near = [
        (a, b)
        for i, (a, x) in enumerate(hashes)
        for b, y in hashes[i + 1 :]
        if a != b and hamming_distance(x, y) <= MAX_HAMMING_DISTANCE
    ]
    assert len(seen) == 5
    assert near == []
