"""Streaming story clustering: place each arriving article in a story or start one.

Over 400 lines on purpose: what a link is, when an article joins, when two stories merge and
the in-memory index the benchmarks use must stay one definition read in one place; split, the
streaming test and the merge pass would drift apart.

Pure module (no ORM, settings or clock). The same code runs in the workers and in the
benchmarks (``bench/stories.py``, ``bench/clustering.py``); only the ``ClusterIndex`` behind it
differs (``MemoryIndex`` here, the database index in ``stories.services``).

What a story is
---------------
Two articles are *linked* when they were published within the window of each other and either
their TF-IDF vectors (title, plus the lead of the best text we have: the page, else the feed's
full text, else its summary) have a cosine of at least ``LINK_THRESHOLD``, or their sentence
embeddings (``stories.embeddings``: what the title and lead mean, whatever their words) have
a cosine of at least ``MEANING_LINK``, a little less within a day of each other (``is_link``).
A story is a connected group of linked articles whose articles, on average, still read alike.
That definition does not depend on the order articles arrive in, so the streaming code below
and the periodic merge pass compute the same thing:

1. ``article_features``: stemmed content terms of the title and the lead; names weigh
   ``ENTITY_WEIGHT`` (in a Title Case headline, the words its lead writes as names), lead
   terms ``LEAD_WEIGHT``.
2. Weights are TF-IDF with document frequencies from a *streaming* table (every clustered
   article counts once), so the vocabulary never has to be known in advance.
3. Candidate lookup asks the index only for stories active within the window that share one
   of the article's ``QUERY_TERMS`` rarest terms: an inverted index on (term, last activity),
   never a scan of all stories.
4. An article links to a candidate story when one of its kept members, published within the
   window of the article, is linked to it (``is_link``). Of the stories it links to, it joins
   the one it reads most alike; any other is folded into that one only if it belongs with it
   as a whole (the article bridged them), and the largest of those keeps its page.
5. The merge pass (``plan_merges``) applies the same test story to story, so what streaming
   missed (a bridge that arrived before one of its ends, frequencies that moved) is joined
   later, and nothing the streaming test would keep apart is ever merged.

Why a link and not a centroid: a story's centroid is the average of its articles, and the
average of "US-Iran talks in Geneva" and "Russia-Ukraine talks in Geneva" is mostly "talks in
Geneva": comparing a newcomer with it invites every other set of talks in. A link needs one
article that says nearly what the newcomer says.

Story state (``StoryState``) is JSON-serialisable and lives in ``Story.cluster_state``.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from stories import embeddings
from stories.text import content_terms, is_title_case, words

# Two articles further apart than this never link. The labelling rule of a real event is "the
# same happening, reported within a few days"; three days keeps a story's run-up, day and
# aftermath together, while the next round of talks a week later starts a new story. A story
# lasts as long as its articles keep linking, each within three days of the last.
CLUSTER_WINDOW_HOURS = 72
# Cosine two articles need to be linked: the point where a link is very likely one event. Read
# off the labelled real feeds (all article pairs within 72 h: at 0.36 nine links in ten join one
# event, at 0.30 eight in ten), so it is fitted to them and should be checked on other feeds;
# below it, shared "talks", "Geneva", "Europe" link the Iran talks, the Strait of Hormuz
# closure and the Munich speeches, and a mixed story costs a reader more than a split one.
LINK_THRESHOLD = 0.36
# Cosine of two articles' sentence embeddings (``stories.embeddings``) that links them whatever
# words they use, read off the same pairs by the same rule as ``LINK_THRESHOLD``: from 0.7,
# nine pairs in ten are one event (0.88 between 0.70 and 0.75, 0.98 above; "Iran says 'guiding
# principles' agreed with US" / "Progress but not compromise as latest U.S.-Iran nuclear talks
# end" share few words). Below it the model says "diplomats meet in Geneva" of the Iran and the
# Russia-Ukraine talks alike: it reads what happens better than who it happens to.
MEANING_LINK = 0.7
# Reports of one event come in a burst: two articles published within a day of each other
# that read nearly alike are more often one event than the same pair days apart (0.65-0.70:
# 0.90 / 0.87 of pairs within a day for labeller A / B, 0.73 across days; 0.60-0.65: 0.76 /
# 0.73). By the same nine-in-ten rule the meaning link within ``SAME_DAY_HOURS`` is
# ``MEANING_LINK`` less this margin (0.65); across days it stays at ``MEANING_LINK`` (13 pairs
# above 0.7 are too few to read a stricter bar there).
SAME_DAY_HOURS = 24
SAME_DAY_MEANING_MARGIN = 0.05
# Mean meaning cosine an article (or a story being merged) needs with a story's articles: the
# cosine at which a pair of articles is as likely one event as two (0.55-0.60: half of the
# pairs; 0.50-0.55: one in five). A story whose articles average below it reads more like two
# events than one, whatever chain of links led there.
MEANING_COHESION = 0.55
# Mean cosine an article (or a story being merged) needs with a story's articles as a whole.
# A link alone lets a story drift: in dense news (the UCI file: 3,000 headlines in two days)
# each article links to the last and one "story" collects a whole beat. Articles of one event
# share names and verbs; below a mean cosine of 0.1 they share little more than their beat.
COHESION_THRESHOLD = 0.1
# How many of the article's rarest terms are used to look up candidate stories.
QUERY_TERMS = 8
# At most this many candidate stories are scored per article.
MAX_CANDIDATES = 60
# Names (capitalised words in running text, acronyms) are the actors and places of an event.
ENTITY_WEIGHT = 1.5
# Terms are cut to this many characters ("apologizes"/"apologises", "bankrupt"/"bankruptcy").
TERM_PREFIX_CHARS = 6
# The title states the event; the lead adds the actors and places the title leaves out, at
# half weight so a long lead does not drown the title.
LEAD_WEIGHT = 0.5
# Lead terms kept (about the first two paragraphs of news prose).
LEAD_TERMS = 120
# Members kept per story for linking (their vectors and times), and centroid size (the
# centroid only chooses the terms a story is looked up by).
MAX_KEPT_MEMBERS = 40
MAX_CENTROID_TERMS = 300
# Related stories kept per story: twice what a story page shows (``SIMILAR_STORIES``), so the
# page still has its closest ones when some have since been merged away.
MAX_RELATED = 10


@dataclass(frozen=True)
class ClusterParams:
    window_hours: float = CLUSTER_WINDOW_HOURS
    link_threshold: float = LINK_THRESHOLD
    cohesion_threshold: float = COHESION_THRESHOLD
    meaning_link: float = MEANING_LINK
    same_day_hours: float = SAME_DAY_HOURS
    same_day_meaning_margin: float = SAME_DAY_MEANING_MARGIN
    meaning_cohesion: float = MEANING_COHESION
    query_terms: int = QUERY_TERMS
    max_candidates: int = MAX_CANDIDATES

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)

    @property
    def same_day_meaning_link(self) -> float:
        """The meaning link of two articles published within ``same_day_hours`` of each other."""
        return self.meaning_link - self.same_day_meaning_margin


@dataclass(frozen=True)
class ArticleFeatures:
    """Weighted raw features of one article (before IDF), and its sentence embedding (None
    without the model: the article then links by words alone)."""

    article_id: int
    published_at: datetime
    weights: Mapping[str, float]
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def terms(self) -> list[str]:
        return list(self.weights)


@dataclass
class StoryState:
    """What clustering remembers of a story (JSON in ``Story.cluster_state``)."""

    story_id: int
    size: int
    last_active_at: datetime
    centroid: dict[str, float] = field(default_factory=dict)
    members: list[dict[str, float]] = field(default_factory=list)
    # The earliest article's time; None (states stored before it was kept): last_active_at.
    first_active_at: datetime | None = None
    # Publication time of each kept member, in the order of ``members``.
    member_times: list[datetime] = field(default_factory=list)
    # Each kept member's packed embedding (``embeddings.pack``; None: it had none), in the
    # order of ``members``, and the sum of the unit embeddings of all ``embedded`` articles
    # that had one (their mean meaning, for cohesion).
    member_embeddings: list[str | None] = field(default_factory=list)
    embedding_sum: list[float] = field(default_factory=list)
    embedded: int = 0

    @property
    def active_since(self) -> datetime:
        return self.first_active_at or self.last_active_at

    def hours_outside(self, at: datetime) -> float:
        """How far ``at`` lies outside the story's span of articles, in hours (0: inside)."""
        if at > self.last_active_at:
            return (at - self.last_active_at).total_seconds() / 3600
        if at < self.active_since:
            return (self.active_since - at).total_seconds() / 3600
        return 0.0

    def timed_members(self) -> list[tuple[datetime, dict[str, float]]]:
        """(published time, vector) of each kept member; states stored before member times
        were kept date every member at the story's last activity."""
        times = self.member_times
        if len(times) != len(self.members):
            times = [self.last_active_at] * len(self.members)
        return list(zip(times, self.members, strict=True))

    def unpacked_embeddings(self) -> list[np.ndarray | None]:
        """Each kept member's embedding (None where it had none), in the order of ``members``."""
        if len(self.member_embeddings) != len(self.members):
            return [None] * len(self.members)
        return [
            None if packed is None else embeddings.unpack(packed)
            for packed in self.member_embeddings
        ]

    def meaning(self) -> np.ndarray | None:
        """The sum of its articles' unit embeddings (None when none had one)."""
        if not self.embedded:
            return None
        return np.asarray(self.embedding_sum, dtype=np.float32)

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "first_active_at": self.active_since.isoformat(),
            "last_active_at": self.last_active_at.isoformat(),
            "centroid": self.centroid,
            "members": self.members,
            "member_times": [at.isoformat() for at in self.member_times],
            "member_embeddings": self.member_embeddings,
            "embedding_sum": self.embedding_sum,
            "embedded": self.embedded,
        }

    @classmethod
    def from_json(cls, story_id: int, data: Mapping[str, Any]) -> StoryState:
        return cls(
            story_id=story_id,
            size=int(data.get("size", 0)),
            last_active_at=datetime.fromisoformat(data["last_active_at"]),
            centroid=dict(data.get("centroid", {})),
            members=[dict(member) for member in data.get("members", [])],
            first_active_at=(
                datetime.fromisoformat(data["first_active_at"])
                if data.get("first_active_at")
                else None
            ),
            member_times=[datetime.fromisoformat(at) for at in data.get("member_times", [])],
            member_embeddings=list(data.get("member_embeddings", [])),
            embedding_sum=list(data.get("embedding_sum", [])),
            embedded=int(data.get("embedded", 0)),
        )


@dataclass(frozen=True)
class Placement:
    story_id: int | None  # None: start a new story
    score: float
    query_terms: tuple[str, ...]
    vector: Mapping[str, float]
    # Other stories the article also links to: they are folded into ``story_id`` (or, for a
    # new story, there are none).
    absorbed_ids: tuple[int, ...] = ()


class ClusterIndex(Protocol):
    """What placement needs from storage; implementations must not scan all stories."""

    def document_count(self) -> int: ...

    def document_frequencies(self, terms: Iterable[str]) -> Mapping[str, int]: ...

    def candidate_stories(
        self, terms: Sequence[str], *, active_since: datetime, limit: int
    ) -> list[StoryState]: ...


def article_features(
    article_id: int,
    title: str,
    published_at: datetime,
    lead: str = "",
    embedding: np.ndarray | None = None,
) -> ArticleFeatures:
    """Title terms at full weight (names weigh more), lead terms at ``LEAD_WEIGHT``;
    ``embedding`` is :func:`embedding_of` the same title and lead (None: words alone)."""
    weights: dict[str, float] = {}
    lead_terms, lead_entities = _prefixed(*content_terms(lead)) if lead else ([], set())
    # A Title Case headline ("Iran Has Not Agreed To All Trump's Red Lines") capitalises every
    # word, so its case cannot tell names; the article's lead can: a headline word the lead
    # writes as a name is one. Only in Title Case: in a sentence-case headline, its case
    # already says which words are names.
    named_in_lead = lead_entities if is_title_case(words(title)) else set()
    event, context = split_title_context(title)
    terms, entities = _prefixed(*content_terms(event))
    entities |= named_in_lead
    for term in terms:
        weights[term] = max(weights.get(term, 0.0), ENTITY_WEIGHT if term in entities else 1.0)
    # What a headline puts after "amid", "during", "as", "ahead of" … is the background of the
    # event (the talks during which a strait was closed), not the event: it weighs like the lead.
    if context:
        context_terms, context_entities = _prefixed(*content_terms(context))
        context_entities |= named_in_lead
        for term in context_terms:
            extra = LEAD_WEIGHT * (ENTITY_WEIGHT if term in context_entities else 1.0)
            weights[term] = max(weights.get(term, 0.0), extra)
    if lead:
        for term in lead_terms[:LEAD_TERMS]:
            extra = LEAD_WEIGHT * (ENTITY_WEIGHT if term in lead_entities else 1.0)
            weights[term] = max(weights.get(term, 0.0), extra)
    return ArticleFeatures(
        article_id=article_id, published_at=published_at, weights=weights, embedding=embedding
    )


def embedding_of(title: str, lead: str) -> np.ndarray | None:
    """What the article says, as the model reads it: the headline, then the lead (the model
    reads the first ``embeddings.MAX_TOKENS`` word pieces)."""
    return embeddings.embed(f"{title.strip()}. {lead.strip()}" if lead.strip() else title)


_CONTEXT_MARKER = re.compile(r"\s(?:amid|amidst|during|as|while|despite)\s", re.IGNORECASE)


def split_title_context(title: str) -> tuple[str, str]:
    """(the event a headline reports, the background it adds after a marker such as "amid").

    Only a marker after the first three words counts: "After the vote, …" opens with it.
    """
    match = _CONTEXT_MARKER.search(title)
    if match is None or len(title[: match.start()].split()) < 3:
        return title, ""
    return title[: match.start()], title[match.end() :]


def lead_of(description: str, text: str, limit: int) -> str:
    """The text clustering reads after the title: the outlet's own summary of the article (feed
    description, og:description), then the article's opening, ``limit`` characters in all.

    The summary comes first because it states the event in a sentence or two, where a body
    often opens on a scene or on background that other events share.
    """
    description = description.strip()
    if description and not text.startswith(description[:80]):
        text = f"{description}\n\n{text}"
    return text[:limit]


def _prefixed(terms: list[str], entities: set[str]) -> tuple[list[str], set[str]]:
    """Terms cut to ``TERM_PREFIX_CHARS``: a crude stemmer that also unifies spellings.

    Interned, so the many vectors that share a term share one string object.
    """
    return [sys.intern(term[:TERM_PREFIX_CHARS]) for term in terms], {
        sys.intern(term[:TERM_PREFIX_CHARS]) for term in entities
    }


def idf(document_frequency: int, document_count: int) -> float:
    """Smoothed inverse document frequency; an unseen term gets the highest value."""
    return math.log((document_count + 1) / (document_frequency + 1)) + 1.0


def weighted(
    weights: Mapping[str, float], dfs: Mapping[str, int], document_count: int
) -> dict[str, float]:
    """TF-IDF vector, L2-normalised."""
    vector = {
        term: weight * idf(dfs.get(term, 0), document_count) for term, weight in weights.items()
    }
    norm = math.sqrt(sum(value * value for value in vector.values()))
    if norm == 0:
        return {}
    return {term: value / norm for term, value in vector.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b[term] for term, value in a.items() if term in b)


def unigram_terms(features: ArticleFeatures) -> list[str]:
    """The terms that go into the candidate-lookup index (states stored before bigrams were
    dropped may still hold "a_b" terms; they are never looked up)."""
    return [term for term in features.weights if "_" not in term]


def query_terms_for(
    features: ArticleFeatures, dfs: Mapping[str, int], count: int
) -> tuple[str, ...]:
    """The ``count`` rarest terms already seen. A term no article has used yet cannot lead to
    a story, so it is not a query term: otherwise an article full of new words (long leads,
    unusual names) finds no candidates."""
    unigrams = [term for term in unigram_terms(features) if dfs.get(term, 0)]
    # Among equally rare terms, title terms and names first.
    unigrams.sort(key=lambda term: (dfs[term], -features.weights[term], term))
    return tuple(unigrams[:count])


def within_window(a: datetime, b: datetime, params: ClusterParams) -> bool:
    return abs((a - b).total_seconds()) <= params.window_hours * 3600


def is_link(words: float, meaning: float | None, apart: timedelta, params: ClusterParams) -> bool:
    """Whether two articles published ``apart`` (within the window) report one event, by their
    word cosine and their meaning cosine (None: one of them has no embedding)."""
    if words >= params.link_threshold:
        return True
    if meaning is None:
        return False
    same_day = abs(apart.total_seconds()) <= params.same_day_hours * 3600
    return meaning >= (params.same_day_meaning_link if same_day else params.meaning_link)


def member_link(
    vector: Mapping[str, float],
    at: datetime,
    story: StoryState,
    *,
    params: ClusterParams,
    embedding: np.ndarray | None = None,
) -> tuple[bool, float]:
    """(whether the article ``vector``/``embedding``, published ``at``, is linked to a kept
    member of ``story`` published within the window of it; the best word cosine among them)."""
    member_embeddings: list[np.ndarray | None] = (
        story.unpacked_embeddings() if embedding is not None else [None] * len(story.members)
    )
    linked, best = False, 0.0
    for (member_at, member), member_embedding in zip(
        story.timed_members(), member_embeddings, strict=True
    ):
        if not within_window(at, member_at, params):
            continue
        words = cosine(vector, member)
        best = max(best, words)
        meaning = (
            None
            if embedding is None or member_embedding is None
            else float(embedding @ member_embedding)
        )
        linked = linked or is_link(words, meaning, at - member_at, params)
    return linked, best


def cohesion(vector: Mapping[str, float], story: StoryState) -> float:
    """The mean cosine between ``vector`` and the story's articles (its centroid is the sum
    of their unit vectors)."""
    if not story.size:
        return 0.0
    centroid = story.centroid
    return sum(value * centroid[term] for term, value in vector.items() if term in centroid) / (
        story.size
    )


def meaning_cohesion(embedding: np.ndarray | None, story: StoryState) -> float | None:
    """The mean meaning cosine between ``embedding`` and the story's articles that have one
    (None when either side has none)."""
    meaning = story.meaning()
    if embedding is None or meaning is None:
        return None
    return float(embedding @ meaning) / story.embedded


def story_accepts(
    vector: Mapping[str, float],
    story: StoryState,
    *,
    linked: bool,
    params: ClusterParams,
    embedding: np.ndarray | None = None,
) -> bool:
    """Whether an article (``vector``, ``embedding``; ``linked`` to a member) joins ``story``:
    it is linked to one of the story's articles and resembles them as a whole, in words and,
    where both have embeddings, in meaning."""
    if not linked or cohesion(vector, story) < params.cohesion_threshold:
        return False
    meaning = meaning_cohesion(embedding, story)
    return meaning is None or meaning >= params.meaning_cohesion


def article_vector(
    features: ArticleFeatures, dfs: Mapping[str, int], document_count: int
) -> dict[str, float]:
    """The article's unit TF-IDF vector, counting the article itself in the frequencies."""
    dfs_with_self = {term: dfs.get(term, 0) + 1 for term in features.weights}
    return weighted(features.weights, dfs_with_self, document_count + 1)


def _survivor_key(story: StoryState) -> tuple[int, int]:
    """Of stories that become one, the largest (then the oldest id) keeps its page."""
    return (-story.size, story.story_id)


def _distance(
    vector: Mapping[str, float], embedding: np.ndarray | None, story: StoryState
) -> tuple[float, float, int]:
    """How far an article reads from a story, for choosing among the stories it links to: the
    mean meaning cosine with its articles first (words where either side has no embedding),
    then the mean word cosine; the older story wins a tie."""
    meaning = meaning_cohesion(embedding, story)
    return (-(meaning if meaning is not None else -1.0), -cohesion(vector, story), story.story_id)


def place_article(
    index: ClusterIndex, features: ArticleFeatures, *, params: ClusterParams
) -> Placement:
    """Decide which story ``features`` joins (None: a new one) and which other stories it
    bridges into that one. Reads only.

    ``Placement.vector`` is the article's frozen unit vector, to record with it.
    """
    dfs = index.document_frequencies(features.weights)
    document_count = index.document_count()
    query = query_terms_for(features, dfs, params.query_terms)
    vector = article_vector(features, dfs, document_count)
    embedding = features.embedding
    if not query:
        return Placement(story_id=None, score=0.0, query_terms=query, vector=vector)
    candidates = index.candidate_stories(
        query, active_since=features.published_at - params.window, limit=params.max_candidates
    )
    linked: list[tuple[StoryState, float]] = []
    best_score = 0.0
    for story in candidates:
        if story.hours_outside(features.published_at) > params.window_hours:
            continue  # the index only knows the story's last activity; this one ended long ago
        is_linked, score = member_link(
            vector, features.published_at, story, params=params, embedding=embedding
        )
        best_score = max(best_score, score)
        if story_accepts(vector, story, linked=is_linked, params=params, embedding=embedding):
            linked.append((story, score))
    if not linked:
        return Placement(story_id=None, score=best_score, query_terms=query, vector=vector)
    # The article joins the story it reads most alike, not the largest: a report that tells of
    # two events ("Iran says US 'more realistic' on nuclear issue, as Guards begin drills in
    # Hormuz Strait") links to both, and sending it to the larger one carried it, and through
    # it the smaller event's later reports, into the wrong story.
    home = min(
        (story for story, _ in linked), key=lambda story: _distance(vector, embedding, story)
    )
    # The article bridges the other stories it links to; each is folded in only if it also
    # belongs with the article's story as a whole, so one ambiguous article cannot fuse two
    # events. That story is judged with the article in it, as the merge pass will judge it.
    joined = add_member(home, vector, features.published_at, embedding)
    group = [home] + [
        story
        for story, _ in linked
        if story is not home and stories_cohesive(joined, story, params)
    ]
    survivor = min(group, key=_survivor_key)
    absorbed = [story.story_id for story in group if story is not survivor]
    return Placement(
        story_id=survivor.story_id,
        score=best_score,
        query_terms=query,
        vector=vector,
        absorbed_ids=tuple(sorted(absorbed)),
    )


def _trimmed(centroid: Mapping[str, float]) -> dict[str, float]:
    if len(centroid) > MAX_CENTROID_TERMS:
        kept = sorted(centroid.items(), key=lambda item: (-item[1], item[0]))
        centroid = dict(kept[:MAX_CENTROID_TERMS])
    return {term: round(value, 4) for term, value in centroid.items()}


_KeptMember = tuple[datetime, dict[str, float], "str | None"]


def _members_of(story: StoryState) -> list[_KeptMember]:
    """(published time, vector, packed embedding) of each kept member."""
    packed = story.member_embeddings
    if len(packed) != len(story.members):
        packed = [None] * len(story.members)
    return [
        (at, member, embedding)
        for (at, member), embedding in zip(story.timed_members(), packed, strict=True)
    ]


def _kept(members: Sequence[_KeptMember]) -> dict[str, Any]:
    """The newest ``MAX_KEPT_MEMBERS`` members (by publication time), oldest first, as
    ``StoryState`` fields: a newcomer can only link to members within the window of it, and
    news arrives roughly in order."""
    newest = sorted(members, key=lambda item: item[0])[-MAX_KEPT_MEMBERS:]
    return {
        "members": [member for _, member, _ in newest],
        "member_times": [at for at, _, _ in newest],
        "member_embeddings": [embedding for _, _, embedding in newest],
    }


def _summed(*sums: Sequence[float]) -> list[float]:
    present = [np.asarray(values, dtype=np.float64) for values in sums if len(values)]
    if not present:
        return []
    return [round(float(value), 4) for value in np.sum(present, axis=0)]


def add_member(
    story: StoryState,
    vector: Mapping[str, float],
    at: datetime,
    embedding: np.ndarray | None = None,
) -> StoryState:
    """The story state after an article with unit ``vector`` (and ``embedding``) joined it
    (a new object)."""
    centroid = dict(story.centroid)
    for term, value in vector.items():
        centroid[term] = centroid.get(term, 0.0) + value
    member = {term: round(value, 4) for term, value in vector.items()}
    packed = None if embedding is None else embeddings.pack(embedding)
    return replace(
        story,
        size=story.size + 1,
        last_active_at=max(story.last_active_at, at),
        first_active_at=min(story.active_since, at),
        centroid=_trimmed(centroid),
        embedding_sum=(
            story.embedding_sum
            if embedding is None
            else _summed(story.embedding_sum, embedding.tolist())
        ),
        embedded=story.embedded + (embedding is not None),
        **_kept([*_members_of(story), (at, member, packed)]),
    )


def new_story_state(
    story_id: int,
    vector: Mapping[str, float],
    at: datetime,
    embedding: np.ndarray | None = None,
) -> StoryState:
    empty = StoryState(story_id=story_id, size=0, last_active_at=at)
    return add_member(empty, vector, at, embedding)


def merge_states(into: StoryState, other: StoryState) -> StoryState:
    centroid = Counter(into.centroid)
    centroid.update(other.centroid)
    return replace(
        into,
        size=into.size + other.size,
        last_active_at=max(into.last_active_at, other.last_active_at),
        first_active_at=min(into.active_since, other.active_since),
        centroid=_trimmed(centroid),
        embedding_sum=_summed(into.embedding_sum, other.embedding_sum),
        embedded=into.embedded + other.embedded,
        **_kept([*_members_of(into), *_members_of(other)]),
    )


def _meanings(small: StoryState, large: StoryState) -> np.ndarray | None:
    """Meaning cosines between the kept members of ``small`` (rows) and ``large`` (columns),
    NaN where a member has no embedding; None when no pair has both."""
    rows, columns = small.unpacked_embeddings(), large.unpacked_embeddings()
    if not any(row is not None for row in rows) or not any(c is not None for c in columns):
        return None
    zero = np.zeros(embeddings.DIMENSIONS, dtype=np.float32)
    matrix = (
        np.stack([zero if row is None else row for row in rows])
        @ np.stack([zero if column is None else column for column in columns]).T
    )
    matrix[[row is None for row in rows], :] = np.nan
    matrix[:, [column is None for column in columns]] = np.nan
    return matrix


def stories_linked(a: StoryState, b: StoryState, *, params: ClusterParams) -> bool:
    """True when a kept member of ``a`` and one of ``b`` are linked (the test an article
    passes to join a story, applied to every pair of members)."""
    gap = max(b.active_since - a.last_active_at, a.active_since - b.last_active_at)
    if gap.total_seconds() > params.window_hours * 3600:
        return False
    small, large = (a, b) if len(a.members) <= len(b.members) else (b, a)
    meanings = _meanings(small, large)
    large_members = large.timed_members()
    # Term -> (member position, weight) over the larger story, so each member's dot products
    # with all of them cost one pass over its own terms rather than one cosine per pair.
    postings: dict[str, list[tuple[int, float]]] = {}
    for position, (_, other) in enumerate(large_members):
        for term, value in other.items():
            postings.setdefault(term, []).append((position, value))
    for row, (at, member) in enumerate(small.timed_members()):
        dots = [0.0] * len(large_members)
        for term, value in member.items():
            for position, other_value in postings.get(term, ()):
                dots[position] += value * other_value
        for position, dot in enumerate(dots):
            other_at = large_members[position][0]
            meaning = None if meanings is None else float(meanings[row, position])
            if within_window(at, other_at, params) and is_link(
                dot,
                None if meaning is None or math.isnan(meaning) else meaning,
                at - other_at,
                params,
            ):
                return True
    return False


def lookup_terms(story: StoryState, count: int) -> list[str]:
    """A story's heaviest centroid terms: what its articles have most in common."""
    return sorted(
        (term for term in story.centroid if "_" not in term),
        key=lambda term: (-story.centroid[term], term),
    )[:count]


def stories_cohesion(a: StoryState, b: StoryState) -> float:
    """The mean cosine between an article of ``a`` and one of ``b`` (their centroids are the
    sums of their articles' unit vectors)."""
    if not a.size or not b.size:
        return 0.0
    return cosine(a.centroid, b.centroid) / (a.size * b.size)


def stories_meaning_cohesion(a: StoryState, b: StoryState) -> float | None:
    """The mean meaning cosine between an article of ``a`` and one of ``b`` (None when either
    has no embeddings)."""
    meaning_a, meaning_b = a.meaning(), b.meaning()
    if meaning_a is None or meaning_b is None:
        return None
    return float(meaning_a @ meaning_b) / (a.embedded * b.embedded)


def weakest_meaning_cohesion(a: StoryState, b: StoryState) -> float | None:
    """The lowest mean meaning cosine between an article of ``a`` and one of ``b`` with any one
    kept member of either left out (None when either has no embeddings or both hold a single
    article: then there is nothing to leave out).

    A member not kept (beyond ``MAX_KEPT_MEMBERS``) cannot be left out; in a story that large
    one article moves the mean by a hair.
    """
    meaning_a, meaning_b = a.meaning(), b.meaning()
    if meaning_a is None or meaning_b is None:
        return None
    cross = float(meaning_a @ meaning_b)
    weakest: float | None = None
    for side, other_meaning, others in ((a, meaning_b, b.embedded), (b, meaning_a, a.embedded)):
        if side.embedded < 2:
            continue
        for member in side.unpacked_embeddings():
            if member is None:
                continue
            without = (cross - float(member @ other_meaning)) / ((side.embedded - 1) * others)
            weakest = without if weakest is None else min(weakest, without)
    return weakest


def stories_cohesive(a: StoryState, b: StoryState, params: ClusterParams) -> bool:
    """Whether the articles of ``a`` and ``b`` on average still resemble each other, in words
    and, where both have embeddings, in meaning, whichever one article is left out.

    Leaving one out is what keeps a single article that tells of two events (drills in the
    Strait of Hormuz begun "as" talks opened in Geneva) from fusing them: it reads like both,
    and its own cosines alone can lift the mean of two small stories over the bar.
    """
    if stories_cohesion(a, b) < params.cohesion_threshold:
        return False
    meaning = stories_meaning_cohesion(a, b)
    if meaning is None:
        return True
    if meaning < params.meaning_cohesion:
        return False
    weakest = weakest_meaning_cohesion(a, b)
    return weakest is None or weakest >= params.meaning_cohesion


def stories_belong_together(a: StoryState, b: StoryState, *, params: ClusterParams) -> bool:
    """The test an article passes to join a story, story to story: a linked pair of members,
    and articles that on average still resemble each other."""
    return stories_cohesive(a, b, params) and stories_linked(a, b, params=params)


def related_stories(
    story: StoryState, candidates: Iterable[StoryState], *, params: ClusterParams
) -> list[tuple[int, float]]:
    """The ``candidates`` a reader of ``story`` should find beside it: (story id, mean meaning
    cosine), closest first, at most ``MAX_RELATED``.

    A candidate is related when it was active within the window of ``story`` and their
    articles, on average, read as closely in meaning as an article must read with a story to
    join it (``params.meaning_cohesion``: at that cosine a pair of articles is as likely one
    event as two). Clustering keeps such stories apart when no pair of their articles is
    linked: another angle of the same event (NDTV's four Bangladesh swearing-in pieces), its
    sequel, or the same week's news of the same actors.
    """
    found: list[tuple[int, float]] = []
    for other in candidates:
        if other.story_id == story.story_id:
            continue
        gap = max(
            other.active_since - story.last_active_at, story.active_since - other.last_active_at
        )
        if gap.total_seconds() > params.window_hours * 3600:
            continue
        meaning = stories_meaning_cohesion(story, other)
        if meaning is not None and meaning >= params.meaning_cohesion:
            found.append((other.story_id, round(meaning, 4)))
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:MAX_RELATED]


def plan_merges(
    index: ClusterIndex,
    stories: Sequence[StoryState],
    *,
    now: datetime,
    params: ClusterParams,
) -> list[tuple[int, int]]:
    """Pairs (absorbed, into) for the periodic merge pass over active ``stories``.

    Every story looks up its candidates through the index; pairs that belong together
    (``stories_belong_together``) are merged most cohesive first, each group into its largest
    story, and a pair whose groups no longer belong together once grown is skipped, so one
    pass never chains a run of neighbours into one story. The result depends only on the
    stories, not on the order they are visited in.
    """
    since = now - params.window
    by_id = {story.story_id: story for story in stories if story.last_active_at >= since}
    pairs: list[tuple[float, int, int]] = []
    # Several lookup terms per kept member would be exact; the centroid's heaviest terms,
    # three times an article's query size, find every linked story in practice.
    for story_id in sorted(by_id):
        story = by_id[story_id]
        query = lookup_terms(story, 3 * params.query_terms)
        for candidate in index.candidate_stories(
            query, active_since=since, limit=params.max_candidates
        ):
            other_id = candidate.story_id
            if other_id <= story_id or other_id not in by_id:
                continue
            other = by_id[other_id]
            if stories_belong_together(story, other, params=params):
                pairs.append((stories_cohesion(story, other), story_id, other_id))
    # Each group is held as one merged state under its survivor's id.
    group_of = {story_id: story_id for story_id in by_id}
    groups = dict(by_id)
    for _, first, second in sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2])):
        one, two = groups[group_of[first]], groups[group_of[second]]
        if one.story_id == two.story_id or not stories_belong_together(one, two, params=params):
            continue
        survivor, absorbed = sorted((one, two), key=_survivor_key)
        groups[survivor.story_id] = merge_states(survivor, absorbed)
        del groups[absorbed.story_id]
        for story_id, group in group_of.items():
            if group == absorbed.story_id:
                group_of[story_id] = survivor.story_id
    return sorted((story_id, group) for story_id, group in group_of.items() if story_id != group)


class MemoryIndex:
    """In-memory ``ClusterIndex`` with the same lookup shape as the database one.

    Posting lists map a term to the stories that used it, ordered by last activity, so expired
    stories are dropped from the front and lookup cost depends on the window, not the history.
    """

    def __init__(self) -> None:
        self._df: Counter[str] = Counter()
        self._documents = 0
        self._postings: dict[str, OrderedDict[int, datetime]] = {}
        self.stories: dict[int, StoryState] = {}
        self.assignments: dict[int, int] = {}
        self._merged_into: dict[int, int] = {}
        # Story id -> last activity, least recently active first.
        self._activity: OrderedDict[int, datetime] = OrderedDict()
        self._next_story_id = 1

    def document_count(self) -> int:
        return self._documents

    def document_frequencies(self, terms: Iterable[str]) -> Mapping[str, int]:
        return {term: self._df[term] for term in terms if term in self._df}

    def candidate_stories(
        self, terms: Sequence[str], *, active_since: datetime, limit: int
    ) -> list[StoryState]:
        found: dict[int, datetime] = {}
        for term in terms:
            posting = self._postings.get(term)
            if not posting:
                continue
            while posting:
                story_id, last_active = next(iter(posting.items()))
                if last_active >= active_since:
                    break
                posting.popitem(last=False)
            for story_id, last_active in posting.items():
                if story_id in self.stories:
                    found[story_id] = last_active
        newest = sorted(found, key=lambda story_id: found[story_id], reverse=True)[:limit]
        return [self.stories[story_id] for story_id in newest]

    def record(self, features: ArticleFeatures, placement: Placement) -> int:
        """Apply ``placement``: update frequencies, story state and postings; the story id."""
        self._documents += 1
        self._df.update(features.weights.keys())
        if placement.story_id is None:
            story_id = self._next_story_id
            self._next_story_id += 1
            state = new_story_state(
                story_id, placement.vector, features.published_at, features.embedding
            )
        else:
            story_id = placement.story_id
            for absorbed_id in placement.absorbed_ids:
                self.merge(absorbed_id, story_id)
            state = add_member(
                self.stories[story_id],
                placement.vector,
                features.published_at,
                features.embedding,
            )
        self.stories[story_id] = state
        self.assignments[features.article_id] = story_id
        self._activity[story_id] = state.last_active_at
        self._activity.move_to_end(story_id)
        self._post(story_id, unigram_terms(features), state.last_active_at)
        return story_id

    def _post(self, story_id: int, terms: Iterable[str], at: datetime) -> None:
        for term in terms:
            posting = self._postings.setdefault(term, OrderedDict())
            previous = posting.get(story_id)
            posting[story_id] = at if previous is None else max(previous, at)
            posting.move_to_end(story_id)

    def merge(self, absorbed_id: int, into_id: int) -> None:
        """Fold story ``absorbed_id`` into ``into_id`` (state, postings, assignments)."""
        absorbed = self.stories.pop(absorbed_id)
        self.stories[into_id] = merge_states(self.stories[into_id], absorbed)
        self._activity[into_id] = self.stories[into_id].last_active_at
        self._activity.move_to_end(into_id)
        # Postings of the absorbed story are skipped at lookup rather than searched for here.
        terms = [term for term in absorbed.centroid if "_" not in term]
        self._post(into_id, terms, absorbed.last_active_at)
        self._merged_into[absorbed_id] = into_id

    def story_of(self, article_id: int) -> int:
        """The story an article is in now, following merges."""
        story_id = self.assignments[article_id]
        while story_id in self._merged_into:
            story_id = self._merged_into[story_id]
        return story_id

    def active_stories(self, since: datetime) -> list[StoryState]:
        """Stories active since ``since``. Older ones are dropped for good (time only moves
        forward; they can never be candidates again), so cost follows the window, not the
        history."""
        while self._activity:
            story_id, last_active = next(iter(self._activity.items()))
            if last_active >= since and story_id in self.stories:
                break
            self._activity.popitem(last=False)
            # Like a database row nobody reads any more: out of the window, out of memory.
            self.stories.pop(story_id, None)
        return [self.stories[story_id] for story_id in self._activity if story_id in self.stories]
