"""stories.clustering on real headlines (UCI News Aggregator, 10-11 March 2014; the merge-pass
false positive from the 20 real outlet feeds of 17 February 2026).

Each placement test first streams a background of real headlines from the other stories of
that file, far earlier than the window, so the streaming document frequencies look like a
day of production: the events under test are new, the rest of the news is known.
"""

import csv
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from stories.clustering import (
    ENTITY_WEIGHT,
    ClusterParams,
    MemoryIndex,
    StoryState,
    add_member,
    article_features,
    embedding_of,
    member_link,
    new_story_state,
    place_article,
    plan_merges,
    stories_linked,
)

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PARAMS = ClusterParams()
BACKGROUND_SIZE = 600


# Words that name the events under test; their gold stories stay out of the background.
EVENTS_UNDER_TEST = ("Sbarro", "Gox", "Miley", "Dunham", "futures", "stocks", "arijuana", "pot")


@pytest.fixture(scope="module")
def background_titles(shared_data: Path) -> list[str]:
    with (shared_data / "clustering" / "uci_dev.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tested = {
        row["STORY"] for row in rows if any(word in row["TITLE"] for word in EVENTS_UNDER_TEST)
    }
    titles = [row["TITLE"] for row in rows if row["STORY"] not in tested]
    return titles[::3][:BACKGROUND_SIZE]


@pytest.fixture
def index(background_titles: list[str]) -> MemoryIndex:
    index = MemoryIndex()
    long_ago = T0 - timedelta(days=30)
    for number, title in enumerate(background_titles, start=1_000_000):
        features = article_features(number, title, long_ago)
        index.record(features, place_article(index, features, params=PARAMS))
    return index


@cache
def headline_embedding(title: str):
    return embedding_of(title, "")


def headline_features(number: int, title: str, at: datetime):
    """A headline's features as the workers work them out, its embedding included."""
    return article_features(number, title, at, embedding=headline_embedding(title))


def stream(index: MemoryIndex, *titles_and_minutes: tuple[str, float]) -> list[int]:
    """Place each (title, minutes after T0) in order; the story id of each."""
    story_ids = []
    for number, (title, minutes) in enumerate(titles_and_minutes, start=1):
        features = headline_features(number, title, T0 + timedelta(minutes=minutes))
        story_ids.append(index.record(features, place_article(index, features, params=PARAMS)))
    return story_ids


def test_british_and_american_spellings_of_one_event_join(index):
    """Guards the term prefixes: "Apologizes" and "Apologises" are one word to clustering."""
    ids = stream(
        index,
        ("Lena Dunham Apologizes For Molestation Joke On Twitter", 0),
        ("Lena Dunham Apologises for Molestation Tweet", 3),
    )
    assert ids[0] == ids[1]


def test_rewrites_of_one_wire_story_join(index):
    """Guards the basic case: outlets rewording one agency report."""
    ids = stream(
        index,
        ("Mt Gox files US bankruptcy", 0),
        ("Bitcoin exchange Mt. Gox files US bankruptcy amid fraud allegations", 2),
        ("Mt Gox files US bankruptcy, opponents call it a ruse", 4),
    )
    assert len(set(ids)) == 1


def test_outlet_name_prefixes_do_not_stop_a_join(index):
    """Guards "Contactmusic"-style prefixes ("Miley Cyrus - Miley Cyrus fan …")."""
    ids = stream(
        index,
        ("Miley Cyrus fan arrested after sneaking into dressing room", 0),
        ("Miley Cyrus - Miley Cyrus fan arrested after sneaking into dressing room", 1),
    )
    assert ids[0] == ids[1]


def test_an_article_that_arrives_late_but_belongs_to_the_event_joins_it(index):
    """Feeds are polled hours apart, so an earlier report may arrive after later ones."""
    ids = stream(
        index,
        ("Bitcoin exchange Mt. Gox files US bankruptcy amid fraud allegations", 90),
        ("Mt Gox files US bankruptcy", 0),
    )
    assert ids[0] == ids[1]


def test_a_report_from_weeks_before_a_story_does_not_join_it(index):
    """Guards the window in both directions: a feed's archive ingested today is not news."""
    ids = stream(
        index,
        ("Mt Gox files US bankruptcy", 0),
        ("Mt Gox files US bankruptcy", -20 * 24 * 60),
    )
    assert ids[0] != ids[1]


def test_a_weekly_column_ingested_newest_first_is_not_chained_into_one_story(index):
    """A feed added with a year of archive, newest entry first: each week's piece shares a
    word with the next older one, and used to pull it into one ever-growing "story"."""
    weeks = [
        "Why Sbarro is not winning the pizza contest",
        "Is Sbarro great for pizza lovers?",
        "How Sbarro pizza became cool again",
        "Can Sbarro pizza really innovate?",
        "Sbarro pizza and the future of malls",
    ]
    ids = stream(index, *[(title, -7 * 24 * 60 * week) for week, title in enumerate(weeks)])

    assert len(set(ids)) == len(weeks)


def test_two_companies_filing_for_bankruptcy_the_same_day_stay_apart(index):
    """False positive: same verbs ("files", "bankruptcy"), different companies and events."""
    ids = stream(
        index,
        ("Sbarro files for bankruptcy protection for the second time", 0),
        ("Pizza chain Sbarro files for bankruptcy", 2),
        ("Mt Gox files US bankruptcy", 30),
    )
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.xfail(
    strict=True,
    reason="known limitation: a shared name outweighs the idle decay after six hours; "
    "titles alone do not tell an arrest at a concert from the concert",
)
def test_one_celebrity_in_two_unrelated_stories_hours_apart_stays_apart(index):
    """False positive: "Miley Cyrus" is shared, the events (an arrest, a concert) are not."""
    ids = stream(
        index,
        ("Miley Cyrus fan arrested after sneaking into dressing room", 0),
        ("Miley Cyrus fan arrested after backstage trespassing", 5),
        ("Miley Cyrus performs in her underwear", 6 * 60),
    )
    assert ids[0] == ids[1] != ids[2]


def test_market_reports_a_day_apart_stay_apart(index):
    """False positive: daily market wraps share their vocabulary but are different days."""
    ids = stream(
        index,
        ("US futures lower after record high", 0),
        ("US stocks edge lower in choppy trading", 27 * 60),
    )
    assert ids[0] != ids[1]


def test_marijuana_tax_story_and_marijuana_stock_tip_stay_apart(index):
    """False positive: one topic word, a government revenue story versus a stock promotion."""
    ids = stream(
        index,
        ("Colorado collects $2 million in January pot sales tax (Video)", 0),
        ("Medical Marijuana, Inc. (OTCMKTS:MJNA) Holds Steady Course", 20),
    )
    assert ids[0] != ids[1]


def test_an_identical_headline_after_the_window_starts_a_new_story(index):
    ids = stream(
        index,
        ("Sbarro files for bankruptcy protection for the second time", 0),
        ("Sbarro files for bankruptcy protection for the second time", 73 * 60),
    )
    assert ids[0] != ids[1]


def test_a_headline_without_content_words_starts_its_own_story(index):
    ids = stream(index, ("Sbarro files for bankruptcy", 0), ("What now?", 1))
    assert ids[0] != ids[1]


def test_candidate_lookup_returns_only_stories_active_in_the_window(index):
    stream(index, ("Sbarro files for bankruptcy", 0))
    found = index.candidate_stories(
        ["sbarro"], active_since=T0 + timedelta(hours=1), limit=PARAMS.max_candidates
    )
    assert found == []


def test_story_state_survives_a_json_round_trip():
    features = headline_features(1, "Sbarro files for bankruptcy", T0)
    state = new_story_state(7, {"sbarro": 0.8, "bankru": 0.6}, T0, features.embedding)
    restored = StoryState.from_json(7, json.loads(json.dumps(state.to_json())))
    assert restored == state
    assert restored.embedded == 1
    assert float(restored.unpacked_embeddings()[0] @ features.embedding) > 0.999


def test_a_story_stored_before_embeddings_were_kept_takes_new_articles_by_words():
    """Stories placed before the model was installed keep working: their members have no
    embedding, so a newcomer links to them by words, and its own embedding is kept."""
    before = {
        "size": 1,
        "last_active_at": T0.isoformat(),
        "centroid": {"sbarro": 0.8, "bankru": 0.6},
        "members": [{"sbarro": 0.8, "bankru": 0.6}],
        "member_times": [T0.isoformat()],
    }
    stored = StoryState.from_json(7, before)
    newcomer = headline_features(2, "Sbarro files for bankruptcy", T0)

    linked, words = member_link(
        {"sbarro": 0.8, "bankru": 0.6}, T0, stored, params=PARAMS, embedding=newcomer.embedding
    )
    grown = add_member(stored, {"sbarro": 0.8, "bankru": 0.6}, T0, newcomer.embedding)

    assert linked and words > 0.99
    assert grown.unpacked_embeddings()[0] is None
    assert grown.embedded == 1 and grown.meaning() is not None


def test_the_merge_plan_folds_a_fragment_into_the_larger_story(index):
    """Guards the periodic pass: two streams of one event started apart are folded together."""
    strict = ClusterParams(link_threshold=1.1, meaning_link=1.1)  # every article starts a story
    ids = []
    for number, title in enumerate(
        ["Pizza chain Sbarro files for bankruptcy", "Pizza chain Sbarro files for bankruptcy again"]
    ):
        features = headline_features(number, title, T0 + timedelta(minutes=number))
        ids.append(index.record(features, place_article(index, features, params=strict)))
    stories = index.active_stories(T0 - timedelta(hours=1))
    assert plan_merges(index, stories, now=T0, params=PARAMS) == [(ids[1], ids[0])]


def stream_the_geneva_talks(index: MemoryIndex) -> tuple[list[int], list[int]]:
    """Headlines of 17 February 2026 (real outlet feeds), interleaved: (Iran, Russia-Ukraine)."""
    iran = [
        ("Iran says 'guiding principles' agreed with US at nuclear talks", 0),
        ("Iran foreign minister says progress made in nuclear talks with U.S.", 10),
        ("U.S. and Iran Make 'Good Progress' in Geneva Talks, Foreign Minister Says", 20),
        ('Iran Has Not Agreed To All Trump\'s "Red Lines": JD Vance After Geneva Talks', 30),
    ]
    ukraine = [
        ("Ukraine and Russia Hold New Round of Peace Talks, but Expectations Are Low", 5),
        ("Russia presses demands, and faces pressure, as Ukraine talks move to Geneva", 15),
        ("First day of Russia-Ukraine peace talks ends in Geneva", 25),
        ("Ukraine, Russia hold peace talks in Geneva as Trump puts pressure on Kyiv", 35),
    ]
    ids = stream(index, *sorted(iran + ukraine, key=lambda title_and_minutes: title_and_minutes[1]))
    return ids[0::2], ids[1::2]


def test_two_sets_of_talks_in_one_city_are_not_merged(index):
    """False positive of the merge pass: the Iran nuclear talks and the Russia-Ukraine peace
    talks, both in Geneva on 17 February 2026, share "talks", "Geneva" and "Trump" but no
    article of one matches the other's articles well."""
    iran, ukraine = stream_the_geneva_talks(index)
    assert not set(iran) & set(ukraine)
    stories = index.active_stories(T0)
    for absorbed, into in plan_merges(index, stories, now=T0 + timedelta(hours=1), params=PARAMS):
        assert {absorbed, into} <= set(iran) or {absorbed, into} <= set(ukraine)


def test_no_article_of_one_set_of_geneva_talks_links_to_the_other(index):
    """Why the two stories stay apart: a link needs two articles that say nearly the same
    thing, and shared "talks", "Geneva" and "Trump" are not enough."""
    iran, ukraine = stream_the_geneva_talks(index)
    iran_story, ukraine_story = index.stories[iran[0]], index.stories[ukraine[0]]
    assert not stories_linked(iran_story, ukraine_story, params=PARAMS)


def test_stories_are_linked_through_one_close_pair_of_members_within_the_window():
    close = {"sbarro": 0.8, "bankru": 0.6}
    story = StoryState(
        story_id=1,
        size=2,
        last_active_at=T0,
        members=[close, {"pizza": 1.0}],
        member_times=[T0 - timedelta(hours=2), T0],
    )
    other = new_story_state(2, close, T0)
    assert stories_linked(story, other, params=PARAMS)


def test_a_close_pair_of_members_further_apart_than_the_window_is_no_link():
    vector = {"sbarro": 0.8, "bankru": 0.6}
    today = new_story_state(1, vector, T0)
    days_ago = new_story_state(2, vector, T0 - timedelta(hours=PARAMS.window_hours + 1))
    assert not stories_linked(today, days_ago, params=PARAMS)


def place_two_apart_then_bridge(index, first: str, second: str, bridge: str):
    """``first`` and ``second`` placed as separate stories, then ``bridge`` placed as usual."""
    strict = ClusterParams(link_threshold=1.1, meaning_link=1.1)  # every article starts a story
    ids = []
    for number, title in enumerate([first, second], start=1):
        features = headline_features(number, title, T0 + timedelta(minutes=number))
        ids.append(index.record(features, place_article(index, features, params=strict)))
    assert ids[0] != ids[1]
    features = headline_features(3, bridge, T0)
    placement = place_article(index, features, params=PARAMS)
    index.record(features, placement)
    return placement


def test_an_article_that_links_two_stories_makes_them_one(index):
    """A bridge: two reports that each match one half of a later, fuller report."""
    placement = place_two_apart_then_bridge(
        index,
        "Sbarro files for bankruptcy protection",
        "Sbarro pizza chain to close restaurants under bankruptcy plan",
        "Sbarro files for bankruptcy, pizza chain closes restaurants",
    )
    assert placement.absorbed_ids
    assert index.story_of(1) == index.story_of(2) == index.story_of(3)


def test_a_digest_linking_two_events_does_not_fuse_them(index):
    """A round-up headline links to both stories by words, and by words alone they would
    still resemble each other enough (mean cosine above 0.1) to be folded together; what
    they say does not (mean meaning cosine 0.39), so they stay apart, now and in the merge
    pass."""
    placement = place_two_apart_then_bridge(
        index,
        "Sbarro files for bankruptcy",
        "Taylor Swift tops Billboard list of music money makers",
        "Sbarro files for bankruptcy as Taylor Swift tops Billboard list",
    )
    assert placement.story_id is not None
    assert placement.absorbed_ids == ()
    assert index.story_of(1) != index.story_of(2)
    stories = index.active_stories(T0 - timedelta(hours=1))
    assert plan_merges(index, stories, now=T0 + timedelta(minutes=15), params=PARAMS) == []


def test_replaying_the_labelled_dev_file_keeps_its_quality(shared_data: Path):
    """Guards against regressions of the word links, which every link still starts from and a
    site without the embedding model lives on: B-cubed F1 on the dev file, words only. (With
    meaning, bench/clustering.py: precision rises and recall falls, since UCI's stories are
    topics over days whose headlines do not read as one event.)"""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from clustering import bcubed, read_rows, replay

    rows = read_rows(shared_data / "clustering" / "uci_dev.csv")
    index = replay(rows, PARAMS)
    gold = {row.article_id: row.story for row in rows}
    _precision, _recall, f1 = bcubed(
        {article: index.story_of(article) for article in index.assignments}, gold
    )
    # UCI's gold stories are broad topics over two days, which a story page should not group
    # (bench/stories.py, real feeds with labelled events, is the measure); this guards against
    # the whole pipeline falling apart, not for topic grouping.
    assert f1 >= 0.70


def test_a_story_state_stored_before_its_first_activity_was_kept_still_loads():
    stored = {"size": 2, "last_active_at": T0.isoformat(), "centroid": {"gox": 1.0}}

    state = StoryState.from_json(7, stored)

    assert state.active_since == T0
    assert StoryState.from_json(7, state.to_json()).first_active_at == T0


@pytest.mark.parametrize(("hours_apart", "one_story"), [(3, True), (30, False)])
def test_two_reports_that_read_nearly_alike_are_one_event_only_when_a_day_apart_or_less(
    index, hours_apart, one_story
):
    """Meaning cosine about 0.68 (the real titles of 17 February 2026): reports that close
    are usually one event when they come the same day, and often not when days apart, so the
    meaning link is a little lower within a day. Words are switched off to isolate meaning."""
    meaning_only = ClusterParams(link_threshold=1.1)
    first = "Iranians Mourn Slain Protesters With \u2018Revolutionary Rage\u2019"
    second = "Iranians chant slogans against supreme leader at memorials for slain protesters"
    assert 0.65 <= float(headline_embedding(first) @ headline_embedding(second)) < 0.7
    story_ids = []
    for number, (title, hours) in enumerate([(first, 0), (second, hours_apart)], start=1):
        features = headline_features(number, title, T0 + timedelta(hours=hours))
        placement = place_article(index, features, params=meaning_only)
        story_ids.append(index.record(features, placement))
    assert (story_ids[0] == story_ids[1]) is one_story


def test_a_title_case_headline_takes_its_names_from_its_lead():
    """Every word of a Title Case headline is capitalised; the words its lead writes as names
    weigh as names, the rest as plain words."""
    features = article_features(
        1,
        'Iran Has Not Agreed To All Trump\'s "Red Lines": JD Vance After Geneva Talks',
        T0,
        lead=(
            'Iran has not agreed to all the "red lines" set out by US President Donald Trump '
            "for a diplomatic solution, Vice President JD Vance said Tuesday after talks in "
            "Geneva."
        ),
    )
    names = {term for term, weight in features.weights.items() if weight == ENTITY_WEIGHT}
    assert {"trump", "vanc", "geneva"} <= names
    assert not {"agreed", "red", "talk"} & names


def test_a_sentence_case_headline_keeps_its_own_names():
    """In a sentence-case headline case already tells names: its first word is not made one
    by the lead."""
    features = article_features(
        1,
        "Rubio visits central Europe to bolster ties with pro-Trump leaders",
        T0,
        lead="Secretary of State Marco Rubio arrived in Slovakia on Sunday.",
    )
    assert features.weights["rubio"] == 1.0
