"""Extractive bullet summary of a story: 3-5 sentences from several different outlets.

Pure module. Sentences are cut from each article's text (or feed summary), boilerplate is
dropped (newsletter prompts, bylines, photo credits, "Read more" …), and each remaining
sentence is scored by how central it is: the mean weight, over the whole story, of the terms
it uses, with a bonus for the lead of an article. Bullets are then picked greedily, most
central first, skipping sentences too similar to a bullet already taken (no two bullets say
the same thing) and preferring outlets not yet quoted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from stories.text import content_terms, normalise

MIN_BULLETS = 3
MAX_BULLETS = 5
MAX_BULLET_CHARS = 240
MIN_SENTENCE_CHARS = 40
# Usable sentences considered per article (the lead carries the news).
SENTENCES_PER_ARTICLE = 12
LEAD_SENTENCES = 3
LEAD_BONUS = 1.3
# Two sentences say the same thing when this share of the shorter one's terms is in the other.
MAX_OVERLAP = 0.5
# Bullets from one outlet before a second one is allowed from it.
PER_SOURCE_FIRST_PASS = 1

BOILERPLATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bsign(?:ing)? up\b",
        r"\bsubscribe\b",
        r"\bnewsletter",
        r"\bclick here\b",
        r"\bread more\b",
        r"\bfollow (?:us|me)\b",
        r"\ball rights reserved\b",
        r"\bcopyright\b|\(c\)|©",
        r"\b(?:photo|image|picture)s?(?: credit)?\s*:",
        r"\b(?:getty images|shutterstock|associated press photo|ap photo|reuters/)",
        r"^\s*by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}\s*(?:,|$|\|)",
        r"^\s*(?:updated|published|posted)\b.{0,40}\d",
        r"\bcookies?\b",
        r"\badvertis",
        r"\bterms of (?:use|service)\b|\bprivacy policy\b",
        r"\b(?:share|tweet) (?:this|on)\b",
        r"\bemail us\b|@\w+\.\w+",
        r"\bthis (?:article|story) (?:was|has been) (?:updated|amended|corrected)",
        r"\bwatch:|\blisten:|\bread:",
        r"\byour browser\b|\bbrowser version\b|\benable javascript\b|\biframe\b",
        r"\bjoin (?:thousands|millions|our)\b|\bpersonal data\b|\bthis field\b",
        r"\boriginally (?:appeared|published) (?:on|in)\b|\bcomments?\b",
    )
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
# "WASHINGTON (Reuters) - " / "LONDON, March 3 (AP) -" datelines at the start.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\([^)]{1,30}\))?\s*[-:]\s+")
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|No|vs|Prof)\.)$"
)
_AGENCY = re.compile(r"^\([A-Za-z .]{2,30}\)\s*[-:]\s*")


@dataclass(frozen=True)
class SourceText:
    article_id: int
    source_name: str
    title: str
    text: str
    bias: str = "unrated"
    factuality_value: float | None = None


@dataclass(frozen=True)
class _Sentence:
    text: str
    source_name: str
    position: int
    terms: frozenset[str]


def is_boilerplate(sentence: str) -> bool:
    return any(pattern.search(sentence) for pattern in BOILERPLATE_PATTERNS)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (paragraph breaks always end a sentence; "U.S." and "Mr." do not)."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = normalise(paragraph)
        if not paragraph:
            continue
        pieces: list[str] = []
        for part in _SENTENCE_END.split(paragraph):
            part = part.strip()
            if pieces and _ABBREVIATION_END.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {part}"
            elif part:
                pieces.append(part)
        sentences.extend(pieces)
    return sentences


def clean_sentence(sentence: str) -> str:
    """The sentence without a leading dateline or agency tag ("(Reuters) - ")."""
    return _AGENCY.sub("", _DATELINE.sub("", sentence)).strip()


def _candidates(texts: Sequence[SourceText]) -> list[_Sentence]:
    found: list[_Sentence] = []
    seen: set[str] = set()
    for source in texts:
        position = 0  # among the article's usable sentences: navigation text does not count
        for raw in split_sentences(source.text):
            if position >= SENTENCES_PER_ARTICLE:
                break
            sentence = clean_sentence(raw)
            key = sentence.lower()
            if (
                key in seen
                or len(sentence) < MIN_SENTENCE_CHARS
                or len(sentence) > MAX_BULLET_CHARS
                or not sentence[0].isupper()
                or sentence[-1] not in ".!?\"'"
                or sentence.endswith(("...", "\u2026"))  # cut short by the feed
                or is_boilerplate(sentence)
            ):
                continue
            terms = frozenset(content_terms(sentence)[0])
            if len(terms) < 4:
                continue
            seen.add(key)
            found.append(_Sentence(sentence, source.source_name, position, terms))
            position += 1
    return found


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Containment: how much of the shorter sentence the longer one repeats."""
    return len(a & b) / max(1, min(len(a), len(b)))


def summarize(texts: Sequence[SourceText], max_bullets: int = MAX_BULLETS) -> list[str]:
    """Up to ``max_bullets`` bullets, most central first; [] if there is nothing usable."""
    candidates = _candidates(texts)
    if not candidates:
        return []
    weights = Counter[str]()
    for source in texts:
        weights.update(set(content_terms(f"{source.title} {source.text[:2000]}")[0]))
    documents = max(1, len(texts))

    def score(sentence: _Sentence) -> float:
        centrality = sum(weights[term] / documents for term in sentence.terms) / len(sentence.terms)
        return centrality * (LEAD_BONUS if sentence.position < LEAD_SENTENCES else 1.0)

    ranked = sorted(candidates, key=lambda s: (-score(s), s.position, s.text))
    chosen: list[_Sentence] = []
    used_sources: Counter[str] = Counter()
    for allow_repeat_source in (False, True):
        for sentence in ranked:
            if len(chosen) >= max_bullets:
                break
            if sentence in chosen:
                continue
            if not allow_repeat_source and used_sources[sentence.source_name] >= (
                PER_SOURCE_FIRST_PASS
            ):
                continue
            if any(_overlap(sentence.terms, other.terms) > MAX_OVERLAP for other in chosen):
                continue
            chosen.append(sentence)
            used_sources[sentence.source_name] += 1
    chosen.sort(key=lambda s: ranked.index(s))
    return [sentence.text for sentence in chosen]
