"""Extractive bullet summary of a story: 3-5 whole sentences, each with the outlets it is from.

Over 400 lines on purpose: one pipeline (candidate sentences, scores, the choice, the outlets
behind each bullet) whose steps share private helpers and constants tuned together.

Pure module. Sentences are cut from each article's text (or feed text) by
``stories.sentences`` and kept only when they can stand alone as a bullet (no question, teaser,
byline, caption, boilerplate, fragment, dangling pronoun or first-person opinion). A report
published a day or more before the story's newest gives none of its sentences that look ahead
("the talks will take place in Geneva"): the later reports tell what happened. Each is
scored by how central it is: the mean weight, over the whole story, of the terms it uses, with
a bonus for an article's lead and a penalty for opinion and analysis pieces. Bullets are then
picked greedily, most central first, skipping sentences too similar to a bullet already taken
and preferring outlets not yet quoted.

Numbers: when outlets give different figures for the same thing ("killing at least 19
people" / "killed 31 people"), the figure most outlets give is preferred, no two bullets
contradict each other, and the other figures are kept on the bullet with the outlets that give
them, so the page can attribute them.

Stored shape (``Story.summary``): a list of :meth:`Bullet.as_json` objects. Stories summarised
before bullets had sources hold plain strings; :func:`bullets_from_json` reads both.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from stories.headline import title_kind
from stories.sentences import (
    MAX_SENTENCE_CHARS,
    split_sentences,
    strip_lead,
    usable_sentences,
)
from stories.text import STOP_WORDS, content_terms, normalise

MIN_BULLETS = 3
MAX_BULLETS = 5
MAX_BULLET_CHARS = MAX_SENTENCE_CHARS
# Usable sentences considered per article: the lead carries the news, and TIME's 10 KB
# features wander far from it.
SENTENCES_PER_ARTICLE = 12
# Sentences per article read for the figures outlets give (usable or not).
FIGURE_SENTENCES_PER_ARTICLE = 30
LEAD_SENTENCES = 3
LEAD_BONUS = 1.3
# An opinion or analysis piece (by its title) speaks for its writer: its sentences are used
# only when reports do not offer MIN_BULLETS, and rank below theirs.
OPINION_ARTICLE_WEIGHT = 0.5
# Title kinds (``stories.headline.title_kind``) of opinion and analysis pieces: an explainer
# ("Why Waymo's London Launch Matters") argues what something means.
ANALYSIS_KINDS = frozenset({"opinion", "explainer"})
# Two sentences say the same thing when this share of the shorter one's terms is in the other.
MAX_OVERLAP = 0.5
# Short of MIN_BULLETS, a sentence repeating up to this share of a bullet is still taken when
# it adds at least NEW_TERMS_TO_REPEAT content terms no bullet has ("… four months after he
# replaced Dina Boluarte" beside "Peru's Congress voted to remove interim President Jerí").
FALLBACK_MAX_OVERLAP = 0.65
NEW_TERMS_TO_REPEAT = 4
# Another outlet is credited with a bullet when its sentence repeats this share of the terms.
SAME_FACT_OVERLAP = 0.7
# A sentence that has this share of its terms in the story's headline tells the reader the
# headline again ("Peru's Congress has voted to remove interim President José Jerí from office
# as he faces corruption allegations" under "Peru's Congress removes interim President Jerí as
# he faces corruption allegations"): the share at which two outlets' sentences are one fact.
HEADLINE_REPEAT_SHARE = SAME_FACT_OVERLAP
# Outlets named under one bullet (the first is the one quoted).
MAX_SOURCES_PER_BULLET = 3
# A candidate needs this many content terms to say something.
MIN_CONTENT_TERMS = 4
# A report published this long before the story's newest one is an earlier day's: what it
# said was going to happen ("talks will take place in Geneva") the later reports tell as done,
# so its sentences that look ahead are not bullets. A day, as clustering's burst of same-day
# reports (stories.clustering.SAME_DAY_HOURS): within it, reports tell one state of the event.
EARLIER_DAY_HOURS = 24
# A description whose first this-many characters the text holds is the text's own opening, not
# a standfirst (page text and feed content often open with the description, give or take its
# end); long enough that two different sentences never share it.
STANDFIRST_PROBE_CHARS = 60
# How far into the text a description is looked for: past a page's navigation and byline, the
# opening paragraphs (as ``stories.sentences.lead_sentence`` reads them).
STANDFIRST_SEARCH_CHARS = 3000
# Words by which a sentence tells what has not happened yet.
_LOOKS_AHEAD = re.compile(
    r"\b(?:will|won['\u2019]t|(?:is|are) (?:expected|due|set|scheduled) to|ahead of|upcoming|"
    r"tomorrow|next (?:week|month))\b",
    re.IGNORECASE,
)
# Centrality is a mean, so a short sentence of the story's commonest words ("The city's three
# shelters have 640 beds.") outranks the lead that says the same and more, and then blocks it
# as a repeat; sentences with fewer content terms than this are scored down in proportion.
FULL_SCORE_TERMS = 8

_TOKEN = re.compile(r"\d[\d,.]*\d%?|\d%?|[A-Za-z]+(?:'[a-z]+)?|[,;:()]")
# Counts whose disagreements readers notice and outlets often differ on: casualties and the
# like. A count is compared only when a word of one of these families says what it counts;
# other numbers ("$4.8 million", "magnitude 6.8") are too varied to pair up safely.
_MEASURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deaths", ("kill", "dead", "death", "die", "toll", "fatal", "drown")),
    ("injuries", ("injur", "hurt", "wound")),
    ("missing", ("missing",)),
    ("evacuated", ("evacu", "displac")),
    ("arrests", ("arrest", "detain", "detention")),
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# Within this many words of the number the measure word must be ("killing at least 19").
MEASURE_WINDOW_WORDS = 4
# Who is counted, when the word right after a number is not the measure itself ("19 people
# died"); any other word there ("105 degrees", "640 beds") says the number counts something
# else.
_COUNTED = frozenset(
    [
        "people",
        "persons",
        "residents",
        "civilians",
        "workers",
        "farmworkers",
        "others",
        "children",
        "adults",
        "patients",
        "soldiers",
        "troops",
        "passengers",
        "migrants",
        "victims",
        "bodies",
        "staff",
        "officers",
        "police",
        "protesters",
        "students",
        "tourists",
    ]
)
# Words that end the clause a number belongs to.
_CLAUSE_BREAKS = frozenset([",", ";", ":", "(", ")", "and", "but", "while", "whereas", "with"])
# Qualifiers between a number and its words that do not change what is counted.
_QUALIFIERS = frozenset(
    [
        "at",
        "least",
        "about",
        "around",
        "nearly",
        "almost",
        "some",
        "more",
        "than",
        "over",
        "up",
        "to",
        "roughly",
        "approximately",
        "only",
        "just",
        "fewer",
        "less",
        "under",
        "estimated",
        "an",
        "a",
        "the",
    ]
)
_MONTHS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


def _measure(word: str) -> str | None:
    word = word.lower()
    for name, prefixes in _MEASURES:
        if word.startswith(prefixes):
            return name
    return None


@dataclass(frozen=True)
class SourceText:
    article_id: int
    source_name: str
    title: str
    text: str
    bias: str = "unrated"
    factuality_value: float | None = None
    url: str = ""
    # The article this one is a wire copy of, if any: copies of one report are one voice.
    wire_origin_id: int | None = None
    # When it was published (None: unknown, never taken for an earlier day's report).
    published_at: datetime | None = None
    # The outlet's own summary of the article (``standfirst_of``), read before ``text``.
    standfirst: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        """What the summariser reads of the article, in order: the standfirst, the text."""
        return (self.standfirst, self.text) if self.standfirst else (self.text,)


def standfirst_of(description: str, text: str, title: str = "") -> str:
    """The feed's description when it is a standfirst: a summary written apart from the text
    we have ("" when it only repeats the text's opening, or there is none). Feeds that carry
    the whole text often carry such a summary beside it, and it states the event in a sentence
    or two, as a bullet should; a summary that reads only the text would never see it."""
    description = normalise(description)
    if not description:
        return ""
    opening = description[:STANDFIRST_PROBE_CHARS].lower()
    # Looked for near the start only: a page's text can be long, and a refresh reads every
    # article of its story.
    if opening in normalise(text[:STANDFIRST_SEARCH_CHARS]).lower():
        return ""
    # A teaser: the description answers a question, its headline's ("Why did Bezos gut the
    # Post?" / "Possibilities include …") or its own first sentence's, and means nothing alone.
    first = next(iter(split_sentences(description)), "")
    answers = title_kind(title) == "question" or first.rstrip().endswith("?")
    return "" if answers else description


@dataclass(frozen=True)
class BulletSource:
    article_id: int
    source: str
    url: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "source": self.source, "url": self.url}


@dataclass(frozen=True)
class OtherFigure:
    """A figure some outlets give for a quantity the bullet states differently."""

    measure: str  # what is counted: "deaths", "injuries" …
    figure: str
    sources: tuple[BulletSource, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "figure": self.figure,
            "sources": [s.as_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Bullet:
    text: str
    sources: tuple[BulletSource, ...]
    other_figures: tuple[OtherFigure, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "sources": [source.as_json() for source in self.sources],
        }
        if self.other_figures:
            data["other_figures"] = [figure.as_json() for figure in self.other_figures]
        return data


@dataclass(frozen=True)
class _Sentence:
    text: str
    origin: SourceText
    position: int
    terms: frozenset[str]
    figures: tuple[tuple[str, str], ...]  # (what is counted, figure)


# Cached: a story's refresh reads the figures of every sentence of its articles again.
@lru_cache(maxsize=32768)
def _figures(sentence: str) -> tuple[tuple[str, str], ...]:
    """The counts a sentence gives, as (what is counted, figure): "killing at least 19 people"
    → ("deaths", "19"). A count is what the nearest measure word of its clause says
    ("kill", "injur", "toll" …), looking first at the words right after it. Years, dates,
    clock times, money and shares are not counts; a sentence giving two figures for one
    measure ("rose from 9 in 2023 to 18 in 2025") compares periods, so neither is kept."""
    tokens = _TOKEN.findall(sentence)
    if any(_YEAR.fullmatch(token) for token in tokens):
        return ()  # "9 in 2023 … 18 in 2025": figures of different periods
    found: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        if not token[0].isdigit():
            continue
        plain = token.replace(",", "")
        before = tokens[index - 1].lower() if index else ""
        after = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
        if before in _MONTHS or after in _MONTHS or after in ("a", "p"):
            continue
        if "." in plain or plain.endswith("%") or after in ("percent", "million", "billion"):
            continue  # magnitudes, shares and money are not counts of people
        counts_a_thing = after.isalpha() and after not in _COUNTED and after not in STOP_WORDS
        if counts_a_thing and not _measure(after):
            continue  # "105 degrees", "640 beds": the number counts that thing
        measure = None
        # The clause after the number first ("19 people died"), then the one before it
        # ("killing at least 19"), nearest word first.
        for step in (1, -1):
            position = index + step
            while (
                0 <= position < len(tokens)
                and abs(position - index) <= MEASURE_WINDOW_WORDS
                and tokens[position].lower() not in _CLAUSE_BREAKS
            ):
                if tokens[position][0].isdigit() and "." not in tokens[position]:
                    break  # the next count's words are its own
                measure = _measure(tokens[position])
                if measure:
                    break
                position += step
            if measure:
                break
        if measure:
            found.append((measure, plain))
    measures = Counter(measure for measure, _figure in found)
    return tuple(item for item in found if measures[item[0]] == 1)


def _is_title(sentence: str, title: str) -> bool:
    """True when the sentence is (part of) the article's own headline, which page text often
    repeats as its first line ("Brandvold holds at 4.25% and hints at cuts. Don't thank …")."""
    sentence = normalise(sentence).rstrip(".").lower()
    return bool(sentence) and sentence in normalise(title).lower()


def _earlier_day_ids(texts: Sequence[SourceText]) -> set[int]:
    """The articles published ``EARLIER_DAY_HOURS`` or more before the story's newest one."""
    times = [text.published_at for text in texts if text.published_at is not None]
    if not times:
        return set()
    cutoff = max(times) - timedelta(hours=EARLIER_DAY_HOURS)
    return {
        text.article_id
        for text in texts
        if text.published_at is not None and text.published_at <= cutoff
    }


def _candidates(texts: Sequence[SourceText], headline: str = "") -> list[_Sentence]:
    """Usable sentences, each once: a sentence several articles share is the first one's.
    An earlier day's report gives none of its sentences that look ahead, and none says what
    the story's ``headline`` says (the lead the headline was taken from, or a lead that
    words the headline's title again)."""
    found: list[_Sentence] = []
    seen: set[str] = set()
    earlier = _earlier_day_ids(texts)
    headline_terms = frozenset(content_terms(headline)[0])
    for source in texts:
        position = 0  # among the article's usable sentences: navigation text does not count
        # Each part on its own: a standfirst is one paragraph whose last sentence may lack
        # its full stop, as a description's may.
        usable = [pair for part in source.parts for pair in usable_sentences(part)]
        for sentence, bullet in usable:
            if position >= SENTENCES_PER_ARTICLE:
                break
            # What the reader is shown: a bullet may keep only the sentence's main clause.
            terms = frozenset(content_terms(bullet)[0])
            if len(terms) < MIN_CONTENT_TERMS or _is_title(sentence, source.title):
                continue
            if len(terms & headline_terms) >= HEADLINE_REPEAT_SHARE * len(terms):
                position += 1  # it is the lead all the same
                continue
            if source.article_id in earlier and _LOOKS_AHEAD.search(sentence):
                position += 1  # it still counts: the sentence after it is not the lead
                continue
            key = bullet.lower()
            # A copy's sentence keeps its place in the copy even when the origin has it: the
            # lead of a copy is not its first sentence the origin lacks.
            position += 1
            if key in seen:
                continue
            seen.add(key)
            found.append(_Sentence(bullet, source, position - 1, terms, _figures(bullet)))
    return found


def _figure_votes(texts: Sequence[SourceText]) -> dict[str, dict[str, set[int]]]:
    """For each counted quantity, each figure and the articles giving it."""
    votes: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for source in texts:
        sentences = [raw for part in source.parts for raw in split_sentences(part)]
        for raw in sentences[:FIGURE_SENTENCES_PER_ARTICLE]:
            for key, figure in _figures(strip_lead(raw)):
                votes[key][figure].add(source.article_id)
    return votes


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Containment: how much of the shorter sentence the longer one repeats."""
    return len(a & b) / max(1, min(len(a), len(b)))


def _source_of(text: SourceText) -> BulletSource:
    return BulletSource(article_id=text.article_id, source=text.source_name, url=text.url)


def summarize(
    texts: Sequence[SourceText], max_bullets: int = MAX_BULLETS, *, headline: str = ""
) -> list[Bullet]:
    """Up to ``max_bullets`` bullets, [] if there is nothing usable. A sentence that says what
    the story's ``headline`` says is not repeated below it.

    Bullets come from as many voices as offer good sentences (a voice is an outlet, and a
    wire copy speaks with its origin's voice); lead sentences come first, as they state the
    event, then the others, most central first.
    """
    # Originals first: a sentence a copy repeats is credited to the report it comes from.
    texts = sorted(texts, key=lambda text: text.wire_origin_id is not None)
    candidates = _candidates(texts, headline)
    if not candidates:
        return []
    weights = Counter[str]()
    for source in texts:
        read = " ".join(source.parts)[:2000]
        weights.update(set(content_terms(f"{source.title} {read}")[0]))
    documents = max(1, len(texts))
    opinion_ids = {text.article_id for text in texts if title_kind(text.title) in ANALYSIS_KINDS}
    votes = _figure_votes(texts)
    by_id = {text.article_id: text for text in texts}

    def voice(text: SourceText) -> str:
        origin = by_id.get(text.wire_origin_id) if text.wire_origin_id is not None else None
        return (origin or text).source_name

    def score(sentence: _Sentence) -> float:
        # The counts are summed first: a sum of whole numbers does not depend on the order a
        # set of terms comes in (which changes from process to process), so equally central
        # sentences tie exactly and keep one order on every refresh.
        centrality = sum(weights[term] for term in sentence.terms) / (
            documents * len(sentence.terms)
        )
        lead = LEAD_BONUS if sentence.position < LEAD_SENTENCES else 1.0
        opinion = OPINION_ARTICLE_WEIGHT if sentence.origin.article_id in opinion_ids else 1.0
        brevity = min(1.0, len(sentence.terms) / FULL_SCORE_TERMS)
        return centrality * lead * opinion * brevity

    def is_minority(sentence: _Sentence) -> bool:
        """Gives a figure fewer outlets give than another for the same quantity."""
        for key, figure in sentence.figures:
            counts = {
                value: len({by_id[i].source_name for i in ids}) for value, ids in votes[key].items()
            }
            if counts.get(figure, 0) < max(counts.values()):
                return True
        return False

    def contradicts(sentence: _Sentence, chosen: list[_Sentence]) -> bool:
        taken = {key: figure for other in chosen for key, figure in other.figures}
        return any(taken.get(key, figure) != figure for key, figure in sentence.figures)

    ranked = sorted(candidates, key=lambda s: (-score(s), s.position, s.text))
    chosen: list[_Sentence] = []
    used_voices: Counter[str] = Counter()

    def repeats(sentence: _Sentence, fallback: bool) -> bool:
        limit = FALLBACK_MAX_OVERLAP if fallback else MAX_OVERLAP
        if any(_overlap(sentence.terms, other.terms) > limit for other in chosen):
            return True
        if fallback:
            said = frozenset().union(*(other.terms for other in chosen))
            return len(sentence.terms - said) < NEW_TERMS_TO_REPEAT
        return False

    def outweighs(speaker: str) -> bool:
        """Past MIN_BULLETS, a bullet that would make one voice give most of a summary that
        others speak in too is left out: a shorter summary beats one outlet's account."""
        if len(chosen) < MIN_BULLETS or len(used_voices) < 2:
            return False
        return (used_voices[speaker] + 1) * 2 > len(chosen) + 1

    # Majority figures only, first at most one bullet per voice, then two, and so on, so that
    # one outlet's many sentences do not crowd out the others'; then anything that does not
    # contradict a bullet already taken; last, only when still short of MIN_BULLETS,
    # sentences that repeat part of a bullet but add to it.
    passes = [(per_voice, False, False) for per_voice in range(1, max_bullets + 1)]
    passes += [(max_bullets, True, False), (max_bullets, True, True)]
    for per_voice, allow_minority, fallback in passes:
        if fallback and len(chosen) >= MIN_BULLETS:
            break
        for sentence in ranked:
            if len(chosen) >= (MIN_BULLETS if fallback else max_bullets):
                break
            if sentence in chosen:
                continue
            speaker = voice(sentence.origin)
            if used_voices[speaker] >= per_voice or outweighs(speaker):
                continue
            if not allow_minority and is_minority(sentence):
                continue
            if not fallback and sentence.origin.article_id in opinion_ids:
                continue
            if contradicts(sentence, chosen) or repeats(sentence, fallback):
                continue
            chosen.append(sentence)
            used_voices[speaker] += 1
    # A lead states the event; a later sentence ("The plant supplies drinking water to about
    # 118,000 residents.") reads as an aside, or refers to what the lead named, when first.
    chosen.sort(key=lambda s: (s.position > 0, ranked.index(s)))
    bullets = []
    attributed: set[str] = set()  # measures whose other figures a bullet above already gives
    for sentence in chosen:
        bullets.append(_bullet(sentence, candidates, votes, by_id, skip=frozenset(attributed)))
        attributed.update(measure for measure, _figure in sentence.figures)
    return bullets


def _bullet(
    sentence: _Sentence,
    candidates: Sequence[_Sentence],
    votes: dict[str, dict[str, set[int]]],
    by_id: dict[int, SourceText],
    skip: frozenset[str],
) -> Bullet:
    sources = [_source_of(sentence.origin)]
    for other in candidates:
        if len(sources) >= MAX_SOURCES_PER_BULLET:
            break
        if other.origin.source_name in {source.source for source in sources}:
            continue
        if _overlap(sentence.terms, other.terms) >= SAME_FACT_OVERLAP and not any(
            dict(sentence.figures).get(key, figure) != figure for key, figure in other.figures
        ):
            sources.append(_source_of(other.origin))
    others = []
    for measure, figure in sentence.figures:
        if measure in skip:
            continue
        for value, article_ids in sorted(votes[measure].items()):
            if value != figure:
                givers = tuple(_source_of(by_id[i]) for i in sorted(article_ids))
                others.append(OtherFigure(measure=measure, figure=value, sources=givers))
    return Bullet(text=sentence.text, sources=tuple(sources), other_figures=tuple(others))


def bullets_from_json(value: Any) -> list[dict[str, Any]]:
    """``Story.summary`` as a list of {"text", "sources", "other_figures"} dicts, whichever
    shape it was stored in (plain strings before bullets had sources)."""
    bullets: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            if item.strip():
                bullets.append({"text": item, "sources": [], "other_figures": []})
        elif isinstance(item, dict) and str(item.get("text") or "").strip():
            bullets.append(
                {
                    "text": str(item["text"]),
                    "sources": [s for s in item.get("sources") or [] if isinstance(s, dict)],
                    "other_figures": [
                        f for f in item.get("other_figures") or [] if isinstance(f, dict)
                    ],
                }
            )
    return bullets


def bullet_texts(value: Any) -> list[str]:
    """The bullets' sentences alone, from either stored shape."""
    return [bullet["text"] for bullet in bullets_from_json(value)]
