"""Streaming story clustering: place each arriving article in an active story or start one.

Pure module (no ORM, settings or clock). The same code runs in the workers and in
``bench/clustering.py``; only the ``ClusterIndex`` behind it differs (``MemoryIndex`` here,
the database index in ``stories.services``).

How an article is placed (``place_article``)
1. ``article_features``: stemmed content terms of the title (and lead, if any) and unigram
   and bigram features; capitalised words that look like names weigh ``ENTITY_WEIGHT``.
2. Weights are TF-IDF with document frequencies from a *streaming* table (every clustered
   article counts once), so the vocabulary never has to be known in advance.
3. Candidate lookup asks the index only for stories active within the window that share one
   of the article's ``QUERY_TERMS`` rarest terms: an inverted index on (term, last activity),
   never a scan of all stories.
4. Each candidate is scored as a blend of centroid cosine (the story's term counts) and the
   best single-member cosine (so a story with several threads still catches a late article
   about one of them), damped by the time between the article and the story's span of
   articles: after it (the story has gone quiet) or before it (an archive ingested late). A
   story whose span lies more than the window away is no candidate, in either direction.
5. The best candidate scoring at least ``JOIN_THRESHOLD`` is joined; otherwise a new story.

Story state (``StoryState``) is JSON-serialisable and lives in ``Story.cluster_state``.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from stories.text import content_terms

CLUSTER_WINDOW_HOURS = 72
# Score needed to join an existing story (blend of cosines, 0 … 1).
JOIN_THRESHOLD = 0.14
# Score two stories need for the periodic merge pass to fold one into the other (the blend of
# ``merge_score``). Chosen on the first half of the UCI dev file's stories, among values that
# keep the Iran and the Russia-Ukraine Geneva talks apart in the 20 real outlet feeds (0.17
# merges them); the second half was only measured. See bench/clustering.py --part.
MERGE_THRESHOLD = 0.19
# How many of the article's rarest terms are used to look up candidate stories.
QUERY_TERMS = 6
# At most this many candidate stories are scored per article.
MAX_CANDIDATES = 60
# Share of the score from the centroid; the rest from the best single member.
CENTROID_SHARE = 0.6
# A story idle this long needs twice the similarity to be joined (0 turns decay off).
IDLE_HALF_LIFE_HOURS = 6.0
ENTITY_WEIGHT = 1.5
# Terms are cut to this many characters ("apologizes"/"apologises", "bankrupt"/"bankruptcy").
TERM_PREFIX_CHARS = 6
BIGRAM_WEIGHT = 0.5
LEAD_WEIGHT = 0.3
# Members whose terms are kept for best-member linkage, and centroid size, per story.
MAX_KEPT_MEMBERS = 40
MAX_CENTROID_TERMS = 300


@dataclass(frozen=True)
class ClusterParams:
    window_hours: float = CLUSTER_WINDOW_HOURS
    join_threshold: float = JOIN_THRESHOLD
    merge_threshold: float = MERGE_THRESHOLD
    query_terms: int = QUERY_TERMS
    max_candidates: int = MAX_CANDIDATES
    centroid_share: float = CENTROID_SHARE
    idle_half_life_hours: float = IDLE_HALF_LIFE_HOURS

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)


@dataclass(frozen=True)
class ArticleFeatures:
    """Weighted raw features of one article (before IDF)."""

    article_id: int
    published_at: datetime
    weights: Mapping[str, float]

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

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "first_active_at": self.active_since.isoformat(),
            "last_active_at": self.last_active_at.isoformat(),
            "centroid": self.centroid,
            "members": self.members,
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
        )


@dataclass(frozen=True)
class Placement:
    story_id: int | None  # None: start a new story
    score: float
    query_terms: tuple[str, ...]
    vector: Mapping[str, float]


class ClusterIndex(Protocol):
    """What placement needs from storage; implementations must not scan all stories."""

    def document_count(self) -> int: ...

    def document_frequencies(self, terms: Iterable[str]) -> Mapping[str, int]: ...

    def candidate_stories(
        self, terms: Sequence[str], *, active_since: datetime, limit: int
    ) -> list[StoryState]: ...


def article_features(
    article_id: int, title: str, published_at: datetime, lead: str = ""
) -> ArticleFeatures:
    """Unigrams (entities weigh more), adjacent-term bigrams, and lead terms at lower weight."""
    weights: Counter[str] = Counter()
    terms, entities = _prefixed(*content_terms(title))
    for term in terms:
        weights[term] = max(weights[term], ENTITY_WEIGHT if term in entities else 1.0)
    for first, second in itertools.pairwise(terms):
        weights[sys.intern(f"{first}_{second}")] = BIGRAM_WEIGHT
    if lead:
        lead_terms, lead_entities = _prefixed(*content_terms(lead))
        for term in lead_terms[:60]:
            extra = LEAD_WEIGHT * (ENTITY_WEIGHT if term in lead_entities else 1.0)
            weights[term] = max(weights[term], extra)
    return ArticleFeatures(article_id=article_id, published_at=published_at, weights=weights)


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
    """The terms that go into the candidate-lookup index (bigrams are not looked up)."""
    return [term for term in features.weights if "_" not in term]


def query_terms_for(
    features: ArticleFeatures, dfs: Mapping[str, int], count: int
) -> tuple[str, ...]:
    """The ``count`` rarest unigrams already seen (bigrams add nothing a unigram lookup does not
    find). A term no article has used yet cannot lead to a story, so it is not a query term:
    otherwise an article full of new words (long leads, unusual names) finds no candidates."""
    unigrams = [term for term in features.weights if "_" not in term and dfs.get(term, 0)]
    # Among equally rare terms, title terms and names first.
    unigrams.sort(key=lambda term: (dfs[term], -features.weights[term], term))
    return tuple(unigrams[:count])


def story_score(
    vector: Mapping[str, float], story: StoryState, *, at: datetime, params: ClusterParams
) -> float:
    """Blend of centroid cosine and best-member cosine, damped by story inactivity."""
    centroid_norm = math.sqrt(sum(value * value for value in story.centroid.values()))
    centroid_cosine = 0.0
    if centroid_norm:
        centroid = story.centroid
        centroid_cosine = (
            sum(value * centroid[term] for term, value in vector.items() if term in centroid)
            / centroid_norm
        )
    best_member = max((cosine(vector, member) for member in story.members), default=0.0)
    score = params.centroid_share * centroid_cosine + (1 - params.centroid_share) * best_member
    # Idle time counts both ways: an article far older than the story (a feed's archive
    # ingested late) is as far from the event as one arriving long after it.
    idle_hours = story.hours_outside(at)
    if params.idle_half_life_hours <= 0:
        return score
    return score * 0.5 ** (idle_hours / params.idle_half_life_hours)


def article_vector(
    features: ArticleFeatures, dfs: Mapping[str, int], document_count: int
) -> dict[str, float]:
    """The article's unit TF-IDF vector, counting the article itself in the frequencies."""
    dfs_with_self = {term: dfs.get(term, 0) + 1 for term in features.weights}
    return weighted(features.weights, dfs_with_self, document_count + 1)


def place_article(
    index: ClusterIndex, features: ArticleFeatures, *, params: ClusterParams
) -> Placement:
    """Decide which active story ``features`` joins (None: a new one). Reads only.

    ``Placement.vector`` is the article's frozen unit vector, to record with it.
    """
    dfs = index.document_frequencies(features.weights)
    document_count = index.document_count()
    query = query_terms_for(features, dfs, params.query_terms)
    vector = article_vector(features, dfs, document_count)
    if not query:
        return Placement(story_id=None, score=0.0, query_terms=query, vector=vector)
    candidates = index.candidate_stories(
        query, active_since=features.published_at - params.window, limit=params.max_candidates
    )
    best_id, best_score = None, 0.0
    for story in sorted(candidates, key=lambda candidate: candidate.story_id):
        if story.hours_outside(features.published_at) > params.window_hours:
            continue  # the index only knows the story's last activity; this one ended long ago
        score = story_score(vector, story, at=features.published_at, params=params)
        if score > best_score:
            best_id, best_score = story.story_id, score
    if best_score >= params.join_threshold:
        return Placement(story_id=best_id, score=best_score, query_terms=query, vector=vector)
    return Placement(story_id=None, score=best_score, query_terms=query, vector=vector)


def _trimmed(centroid: Mapping[str, float]) -> dict[str, float]:
    if len(centroid) > MAX_CENTROID_TERMS:
        kept = sorted(centroid.items(), key=lambda item: (-item[1], item[0]))
        centroid = dict(kept[:MAX_CENTROID_TERMS])
    return {term: round(value, 4) for term, value in centroid.items()}


def add_member(story: StoryState, vector: Mapping[str, float], at: datetime) -> StoryState:
    """The story state after an article with unit ``vector`` joined it (a new object)."""
    centroid = Counter(story.centroid)
    for term, value in vector.items():
        centroid[term] += value
    member = {term: round(value, 4) for term, value in vector.items()}
    return replace(
        story,
        size=story.size + 1,
        last_active_at=max(story.last_active_at, at),
        first_active_at=min(story.active_since, at),
        centroid=_trimmed(centroid),
        members=[*story.members, member][-MAX_KEPT_MEMBERS:],
    )


def new_story_state(story_id: int, vector: Mapping[str, float], at: datetime) -> StoryState:
    empty = StoryState(story_id=story_id, size=0, last_active_at=at)
    return add_member(empty, vector, at)


def merge_states(into: StoryState, other: StoryState) -> StoryState:
    centroid = Counter(into.centroid)
    centroid.update(other.centroid)
    return replace(
        into,
        size=into.size + other.size,
        last_active_at=max(into.last_active_at, other.last_active_at),
        first_active_at=min(into.active_since, other.active_since),
        centroid=_trimmed(centroid),
        members=[*into.members, *other.members][-MAX_KEPT_MEMBERS:],
    )


def stories_similarity(a: StoryState, b: StoryState) -> float:
    """Centroid cosine of two stories (the periodic merge pass)."""
    norm_a = math.sqrt(sum(value * value for value in a.centroid.values()))
    norm_b = math.sqrt(sum(value * value for value in b.centroid.values()))
    if not norm_a or not norm_b:
        return 0.0
    return cosine(a.centroid, b.centroid) / (norm_a * norm_b)


def plan_merges(
    index: ClusterIndex,
    stories: Sequence[StoryState],
    *,
    now: datetime,
    params: ClusterParams,
) -> list[tuple[int, int]]:
    """Pairs (absorbed, into) for the periodic merge pass over active ``stories``.

    Stories are visited largest first; each looks up its candidates through the index (its
    heaviest centroid terms) and absorbs smaller ones whose ``merge_score`` reaches
    ``merge_threshold``. An absorbed story absorbs nothing in the same pass, and an absorbing
    one is not absorbed, so one pass never chains merges.
    """
    since = now - params.window
    ordered = sorted(stories, key=lambda story: (-story.size, story.story_id))
    rank = {story.story_id: position for position, story in enumerate(ordered)}
    by_id = {story.story_id: story for story in ordered}
    involved: set[int] = set()
    merges: list[tuple[int, int]] = []
    for story in ordered:
        if story.story_id in involved or story.last_active_at < since:
            continue
        query = sorted(
            (term for term in story.centroid if "_" not in term),
            key=lambda term: (-story.centroid[term], term),
        )[: params.query_terms]
        for candidate in index.candidate_stories(
            query, active_since=since, limit=params.max_candidates
        ):
            other = by_id.get(candidate.story_id)
            if other is None or other.story_id in involved:
                continue
            if rank[other.story_id] <= rank[story.story_id]:
                continue
            if merge_reaches_threshold(story, other, params=params):
                involved.update((story.story_id, other.story_id))
                merges.append((other.story_id, story.story_id))
    return merges


def fragment_linkage(a: StoryState, b: StoryState) -> float:
    """How well the smaller story's kept members match the larger story, member by member.

    The mean, over the smaller story's members, of each one's best cosine with a member of the
    larger story: high when every article of the fragment could have joined the other story,
    low when two stories merely share the vocabulary of their topic (two sets of talks in one
    city, each with its own parties).
    """
    small, large = (a, b) if (a.size, a.story_id) <= (b.size, b.story_id) else (b, a)
    if not small.members or not large.members:
        return 0.0
    # Term -> (member position, weight) over the larger story, so each member's dot products
    # with all of them cost one pass over its own terms rather than one cosine per pair.
    postings: dict[str, list[tuple[int, float]]] = {}
    for position, other in enumerate(large.members):
        for term, value in other.items():
            postings.setdefault(term, []).append((position, value))
    total = 0.0
    for member in small.members:
        dots = [0.0] * len(large.members)
        for term, value in member.items():
            for position, other_value in postings.get(term, ()):
                dots[position] += value * other_value
        total += max(dots)
    return total / len(small.members)


def merge_score(a: StoryState, b: StoryState, *, params: ClusterParams) -> float:
    """The join score's blend, story to story: centroid cosine and member linkage
    (``fragment_linkage``), damped, like joining, by the time between the stories' activity.

    The centroid alone merged the Iran and the Russia-Ukraine Geneva talks in the 20 real
    outlet feeds (centroid cosine 0.20, shared "talks", "Geneva", "Trump"), although no article
    of one matched the other's articles well (mean best link 0.13).
    """
    centroid_part = params.centroid_share * stories_similarity(a, b)
    linkage_part = (1 - params.centroid_share) * fragment_linkage(a, b)
    return (centroid_part + linkage_part) * _activity_gap_damping(a, b, params=params)


def merge_reaches_threshold(a: StoryState, b: StoryState, *, params: ClusterParams) -> bool:
    """``merge_score(a, b) >= merge_threshold``, skipping the member-by-member linkage when
    even a perfect linkage could not reach the threshold (most pairs: hours apart)."""
    damping = _activity_gap_damping(a, b, params=params)
    centroid_part = params.centroid_share * stories_similarity(a, b)
    if (centroid_part + 1 - params.centroid_share) * damping < params.merge_threshold:
        return False
    return merge_score(a, b, params=params) >= params.merge_threshold


def _activity_gap_damping(a: StoryState, b: StoryState, *, params: ClusterParams) -> float:
    if params.idle_half_life_hours <= 0:
        return 1.0
    gap_hours = abs((a.last_active_at - b.last_active_at).total_seconds()) / 3600
    return 0.5 ** (gap_hours / params.idle_half_life_hours)


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
            state = new_story_state(story_id, placement.vector, features.published_at)
        else:
            story_id = placement.story_id
            state = add_member(self.stories[story_id], placement.vector, features.published_at)
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
