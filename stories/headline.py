"""A story's headline and "how each side headlines it", chosen from its articles' titles.

Pure module. Every title is cleaned (outlet suffix such as " - BBC News" or " | Reuters" and
trailing ellipses removed). A title's score is its *centrality*, the mean term overlap with
the other titles (it says what most outlets say), times a preference for the outlet:
center-rated over lean over far, rated over unrated, higher factuality over lower. Titles that
are too short, too long, shouting or questions lose points, and so do labels of fewer than
``STATEMENT_MIN_TERMS`` content words, so the result reads as a neutral statement of the event.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sources.scales import BIAS_SIDES, BIAS_VALUES
from stories.text import content_terms, strip_outlet_suffix

# Preference by distance from center on the 7-point scale (0 center … 3 far); unrated last.
BIAS_DISTANCE_WEIGHT: dict[int, float] = {0: 1.0, 1: 0.9, 2: 0.75, 3: 0.55}
UNRATED_WEIGHT = 0.7
# factuality_value is 0 (very low) … 5 (very high); unknown counts as the middle.
FACTUALITY_UNKNOWN = 2.5
FACTUALITY_SPREAD = 0.08  # weight change per factuality step
GOOD_MIN_CHARS = 25
GOOD_MAX_CHARS = 120
STYLE_PENALTY = 0.7  # all caps, too short or too long
# A title naming fewer content words than this ("A New Chapter for Bangladesh", "Gisele Pelicot
# Speaks") labels a story rather than saying who did what: it is scored down in proportion.
# Centrality is length-normalised, so without it a two-word label of the story's commonest
# word outranks the title that says the same and more. Four is what the summary asks of a
# sentence to say something (stories.summarize.MIN_CONTENT_TERMS).
STATEMENT_MIN_TERMS = 4
# A title that does not state the event (a question, an opinion or analysis piece, a gallery,
# newsletter or live page, a feature, a bare quotation) is chosen only when no article of the
# story has one that does.
NOT_AN_EVENT_PENALTY = 0.05

# Title forms that are not a statement of the event. Each was seen as a story headline on the
# real feeds: "Who Are the Israeli Hostages Released by Hamas?" (WSJ), "Jesse Jackson: A life
# in pictures" (BBC), "Israel upends the map of the West Bank upside with its annexation
# frenzy" (El País).
_TITLE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("question", r"\?"),
        (
            "gallery",
            r"\bin (?:pictures|photos|images)\b|\b(?:photos|pictures|gallery|video)\s*:|"
            r"^(?:watch|listen|photos|gallery|video)\b",
        ),
        (
            "newsletter",
            r"\bnewsletter\b|\bbriefing\b|\bpodcast\b|\b(?:morning|evening|daily|weekly) "
            r"(?:brief|digest|roundup)\b|\bthe week in\b|\bwhat we(?:'re| are) reading\b|"
            r"\bquiz\b|\bcrossword\b",
        ),
        ("live", r"\blive(?: updates?| blog|:)|\bas it happened\b|^live\b"),
        (
            "opinion",
            r"^(?:opinion|analysis|comment|commentary|editorial|letters?|column|view|"
            r"perspective|review)\b\s*[:|-]|\b(?:op-ed|my view|our view|the case "
            r"(?:for|against)|it's time to|lessons? (?:from|of)|why (?:we|you|i))\b|"
            r"^(?:should|could|can|is|are|will|would|do|does|did)\b|"
            r"\b(?:frenzy|fiasco|shameful|disgrace|outrage|"
            r"betrayal|neglect|hypocrisy|farce|folly|reckoning)\b|\b(?:exposes|upends)\b",
        ),
        # An explainer's title names its subject and what it finds ("How the AI Boom Sparked a
        # Housing Crisis in One Texas City", "What to Know About Australia's Social Media Ban")
        # rather than reporting an event.
        (
            "explainer",
            r"^explainer\b\s*[:|-]|\b(?:here's (?:why|how|what)|what (?:to know|we know|it "
            r"means))\b|:\s*(?:where|what|how|why|who)\b|^(?:why|how|what)\b",
        ),
        # A sweep "from X to Y" surveys a life, a career or a field: a feature or an
        # appreciation, not the report ("From 'The Godfather' to 'Tender Mercies,' Robert Duvall
        # made each role his own" (CSM), beside "… Robert Duvall … dies at 95").
        ("feature", r"^from\b[^,:]{2,80}\bto\b[^,:]{2,80}[,:]"),
        # A title announcing what is still to come ("US and Iran to meet for second round of
        # nuclear talks", NPR, on the morning of the talks) goes stale once the story holds the
        # reports of what happened ("Iran says 'guiding principles' agreed with US at nuclear
        # talks"): any title that states the event is the better headline. Only the
        # headline-style infinitive of a scheduled act counts; "ahead of" does not, as it often
        # sets an event against what is coming ("Rubio boosts Orbán ahead of Hungary election").
        (
            "preview",
            r"\b(?:to (?:meet|hold|attend|visit|host|vote|begin|start|resume|sign)|set to|"
            r"expected to|poised to|prepares? to)\b",
        ),
        # A title that is a quotation and nothing else names neither who said it nor what
        # happened: "'An Existential Question for Europe'" (Foreign Policy) over "The Munich
        # Security Conference ends with no new answers on how to end the war in Ukraine".
        ("quote", r"^\s*[\u2018'\"\u201c][^\u2018\"\u201c\u201d]+[\u2019'\"\u201d]\s*$"),
    )
)


# When no title states the event, an article's first whole sentence may, if it is as short
# as a good headline: a longer one is a paragraph set as a headline ("The question has become
# increasingly salient as people who form emotional attachments to their chatbots …" for
# TIME's "What Happens When Your Favorite Chatbot Dies?"), and the outlet's title says more
# in the space.
MAX_LEAD_HEADLINE_CHARS = GOOD_MAX_CHARS
# ... except after a feature's or an explainer's title: it names the piece's subject, where
# its first sentence opens on a scene, a person or the background ("Juan Antonio Madrid is a
# professor of physiology"; "One chilly day in November 2025, community worker Mike Prado
# drove through Abilene, Tex., …" under "How the AI Boom Sparked a Housing Crisis in One
# Texas City"); and after a preview's: when every title announces what is to come, the
# story is still its run-up, and the first sentence announces the same at greater length.
TITLE_KINDS_KEPT_OVER_A_LEAD = frozenset({"feature", "explainer", "preview"})


@dataclass(frozen=True)
class HeadlineCandidate:
    title: str
    source_name: str = ""
    bias: str = "unrated"
    factuality_value: float | None = None
    # The article's first sentence that stands alone (stories.sentences.lead_sentence).
    lead: str = ""


def clean_title(title: str, source_name: str = "") -> str:
    """The title without outlet suffix or trailing ellipsis."""
    names = (source_name,) if source_name else ()
    return strip_outlet_suffix(title, names)


def outlet_weight(candidate: HeadlineCandidate) -> float:
    value = BIAS_VALUES.get(candidate.bias)
    weight = UNRATED_WEIGHT if value is None else BIAS_DISTANCE_WEIGHT[abs(value)]
    factuality = (
        FACTUALITY_UNKNOWN if candidate.factuality_value is None else candidate.factuality_value
    )
    return weight * (1 + FACTUALITY_SPREAD * (factuality - FACTUALITY_UNKNOWN))


def title_kind(title: str) -> str | None:
    """Why ``title`` is not a neutral statement of an event ("question", "gallery",
    "newsletter", "live", "opinion", "explainer", "feature", "quote"), or None when it is
    one."""
    for kind, pattern in _TITLE_KINDS:
        if pattern.search(title):
            return kind
    return None


# Little words that no headline style capitalises mid-title, not even title case ("Strait of
# Hormuz"): capitalised, they mark a feed that capitalises every word ("Strait Of Hormuz
# Amid US Nuclear Talks"), which reads as shouting on a page of other outlets' headlines.
_CAPITALISED_LITTLE_WORD = re.compile(r"(?<=\w )(?:Of|The|And|To|For|On|At|In|A|An|Amid|As)\b")


# Cached: every refresh of a story weighs the titles of all its articles again.
@lru_cache(maxsize=32768)
def style_weight(title: str) -> float:
    if title_kind(title) is not None:
        return NOT_AN_EVENT_PENALTY
    letters = [ch for ch in title if ch.isalpha()]
    shouting = bool(letters) and sum(ch.isupper() for ch in letters) / len(letters) > 0.6
    every_word_capitalised = len(_CAPITALISED_LITTLE_WORD.findall(title)) >= 2
    bad = (
        shouting
        or every_word_capitalised
        or len(title) < GOOD_MIN_CHARS
        or len(title) > GOOD_MAX_CHARS
    )
    return STYLE_PENALTY if bad else 1.0


def _scored(candidates: Sequence[HeadlineCandidate]) -> list[tuple[float, str]]:
    cleaned = [clean_title(c.title, c.source_name) for c in candidates]
    term_sets = [set(content_terms(title)[0]) for title in cleaned]
    document_frequency = Counter(term for terms in term_sets for term in terms)
    others = max(1, len(candidates) - 1)
    scored = []
    for candidate, title, terms in zip(candidates, cleaned, term_sets, strict=True):
        if not title:
            continue
        # Share of the other titles using each term, summed and length-normalised like a
        # cosine: a title saying more of what the others say beats a short generic one.
        shared = sum(document_frequency[term] - 1 for term in terms)
        centrality = (
            (shared / others) / math.sqrt(max(1, len(terms))) if len(candidates) > 1 else 1.0
        )
        brevity = min(1.0, len(terms) / STATEMENT_MIN_TERMS)
        score = (0.05 + centrality) * outlet_weight(candidate) * style_weight(title) * brevity
        scored.append((score, title))
    scored.sort(key=lambda item: (-item[0], len(item[1]), item[1]))
    return scored


def choose_headline(candidates: Sequence[HeadlineCandidate]) -> str:
    """The most representative, best-sourced clean title that states the event.

    When every title is a question, opinion, gallery, newsletter or live page, the lead
    sentence of the best-scored article stands in, if one is short enough; failing that the
    best title is used anyway ("" when there are no titles). A feature's title stands when no
    title states the event.
    """
    scored = _scored(candidates)
    if not scored:
        return ""
    best = scored[0][1]
    kind = title_kind(best)
    if kind is None or kind in TITLE_KINDS_KEPT_OVER_A_LEAD:
        return best
    by_title = {clean_title(c.title, c.source_name): c for c in candidates}
    for _score, title in scored:
        lead = by_title[title].lead.strip()
        if lead and len(lead) <= MAX_LEAD_HEADLINE_CHARS:
            return lead.removesuffix(".")
    return best


def side_headlines(candidates: Sequence[HeadlineCandidate]) -> dict[str, str]:
    """{"left"|"center"|"right": headline} when at least two sides cover the story, else {}.

    Each side's headline is the most central of that side's titles, scored against the whole
    story so it represents the event rather than a side thread.
    """
    by_side: dict[str, list[HeadlineCandidate]] = {}
    for candidate in candidates:
        side = BIAS_SIDES.get(candidate.bias)
        if side is not None:
            by_side.setdefault(side.value, []).append(candidate)
    if len(by_side) < 2:
        return {}
    scored = _scored(candidates)
    best: dict[str, str] = {}
    titles_by_side = {
        name: {clean_title(c.title, c.source_name) for c in members}
        for name, members in by_side.items()
    }
    for _score, title in scored:
        for name, titles in titles_by_side.items():
            if name not in best and title in titles:
                best[name] = title
    return {name: best[name] for name in ("left", "center", "right") if name in best}
