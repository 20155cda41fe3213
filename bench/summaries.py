"""Replay recorded feeds through the pipeline and judge the stories' bullets and headlines.

    .venv/bin/python bench/summaries.py [FEEDS_DIR] [--show N]

FEEDS_DIR defaults to ../shared/data/feeds/outlets; any folder ``manage.py ingest --replay``
reads works. The feeds are replayed into a throw-away SQLite database (the embedded mode: the
configured DATABASE_URL is never touched) through the real path: feed fetch over loopback,
parse, page download (pages are not recorded, so every article stays feed-only), clustering and
story refresh, then one merge pass as beat would run it.

For every story covered by at least two outlets it then checks the stored bullets with rules
of its own, written apart from ``stories.sentences`` so the summariser is not graded by its own
filters:

* question: a "?" anywhere;
* fragment: not a whole sentence: starts lower-case or with a word that needs the sentence
  before (and, but, he, it, this …), a weekday or month followed by "as/after/…", an odd
  number of double quotes, no final full stop, or ending on "…" or on an abbreviation
  ("on Oct.");
* boilerplate: feed and page furniture, bylines, datelines and agency tags, photo credits and
  captions, promotions, teasers;
* long: over 240 characters;
* unattributed: no source, a source that is not an article of the story or not its outlet, or
  a first source whose text does not contain the sentence.

"short" counts stories with fewer than 3 bullets although their texts offer at least 3
distinct informative sentences: sentences of 6+ words and 40-240 characters that pass the
checks above, say nothing in the first or second person, and stand alone by the rules of
``stories.sentences.bullet_defect`` (the one place those rules live: a teaser such as "An
ongoing record of …", a quotation whose "she said" names nobody), no two repeating half of
each other's words. Those rules are shared, not the summariser's selection, so "short" still
measures whether the selection finds the bullets the texts offer; for a story that the bench's
own checks alone would call short, every sentence the shared rules refuse is printed with the
reason, so a person can judge whether the refusal is right.

"bare" counts stories (of two or more outlets) with no bullet at all, whatever their texts
offer: the reader gets a headline and links only. Each is printed.

Prints the counts, 10 stories' headline and bullets with their outlets for a person to judge,
and as the last line ``summaries short=N defects=M bare=K``.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "feeds" / "outlets"
MIN_BULLETS = 3
MAX_CHARS = 240
MIN_CHARS = 40
MIN_WORDS = 6
# Two sentences repeat each other when half the shorter one's words are in the other.
REPEAT_SHARE = 0.5
SHOWN_STORIES = 10

_NEEDS_BEFORE = {
    "and", "but", "or", "nor", "so", "yet", "because", "although", "though", "which", "also",
    "however", "meanwhile", "then", "still", "instead", "moreover", "furthermore", "he", "she",
    "it", "they", "this", "these", "those", "that", "his", "her", "its", "their", "him", "them",
}  # fmt: skip
_TAIL = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December) (?:as|after|when|while|"
    r"and|but|following|before|amid)\b"
)
_ABBREVIATION_END = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Gov|Sen|Rep|St|No)\.$"
)
_FURNITURE = re.compile(
    r"appeared first on|sign up|subscribe|newsletter|click here|read more|continue reading|"
    r"seguir leyendo|all rights reserved|copyright|©|getty images|shutterstock|\bphoto\b|"
    r"\bpictured\b|\bcaption\b|\(reuters\)|\(ap\)|\(afp\)|"
    r"a look back|^here's|^here is|what we know|what to know|live updates|podcast|"
    r"download the app|https?://|www\.|@\w+\.\w+|advertisement|sponsored",
    re.I,
)
# Bylines and datelines: case matters ("By Laila Bassam", "DUBAI, Feb 17 -").
_BYLINE_OR_DATELINE = re.compile(
    r"^By [A-Z]|^[A-Z]{3,}[A-Z ,./]*\s[-:]|\([A-Z][A-Za-z]{1,8}\)\s*[-:]"
)
_PERSON = re.compile(
    r"\b(?:I|I'm|I've|me|my|we|we're|our|you|your|you're)\b|^(?:We|Our|My|You|Your)\b"
)
_QUOTED = re.compile(r'"[^"]*"')
_LEAD_TAG = re.compile(r"^.{0,160}?\([A-Z][A-Za-z]{1,8}\)\s*[-:]\s*")
_WORD = re.compile(r"[a-z]{4,}")
_COMMON = {"that", "this", "with", "from", "have", "were", "said", "says", "will", "their"}


def read_of(article) -> str:
    """All an article's own words the summariser may quote: the feed's description (a
    standfirst, when the feed also carries the text) and the text."""
    return f"{article.description}\n\n{article.best_text}"


def plain(text: str) -> str:
    """NFKC, typographic quotes and dashes made ASCII, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    for fancy, simple in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, simple)
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split())


def defects(text: str) -> list[str]:
    """What is wrong with a bullet (empty when nothing is)."""
    found = []
    text = plain(text)
    if "?" in text:
        found.append("question")
    first = text.split()[0].strip("\"'(").lower() if text.split() else ""
    if (
        not text
        or not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'")
        or first in _NEEDS_BEFORE
        or _TAIL.match(text)
        or text.count('"') % 2
        or not text.rstrip("\"')").endswith((".", "!"))
        or text.endswith(("...", "\u2026"))
        or _ABBREVIATION_END.search(text)
    ):
        found.append("fragment")
    if _FURNITURE.search(text) or _BYLINE_OR_DATELINE.search(text):
        found.append("boilerplate")
    if len(text) > MAX_CHARS:
        found.append("long")
    return found


def passes_own_checks(sentence: str) -> bool:
    """Informative by the bench's own checks alone."""
    sentence = plain(_LEAD_TAG.sub("", plain(sentence)))
    return (
        MIN_CHARS <= len(sentence) <= MAX_CHARS
        and len(sentence.split()) >= MIN_WORDS
        and not defects(sentence)
        and not _PERSON.search(_QUOTED.sub(" ", sentence))
    )


def stand_alone_refusal(sentence: str) -> str | None:
    """Why the shared sentence rules refuse ``sentence`` as a bullet, or None."""
    from stories.sentences import bullet_defect, strip_lead

    return bullet_defect(strip_lead(plain(sentence)))


def informative(sentence: str) -> bool:
    """A sentence a story's bullets could be: the bench's checks and the shared rules agree."""
    return passes_own_checks(sentence) and stand_alone_refusal(sentence) is None


def _words(sentence: str) -> set[str]:
    return set(_WORD.findall(sentence.lower())) - _COMMON


def distinct_sentences(texts: list[str], accept) -> list[str]:
    """The sentences of ``texts`` that ``accept`` takes, no two repeating each other."""
    from stories.sentences import split_sentences

    kept: list[str] = []
    kept_words: list[set[str]] = []
    sentences = [
        sentence
        for text in texts
        for paragraph in text.splitlines()
        for sentence in split_sentences(plain(paragraph))
    ]
    for sentence in sentences:
        if not accept(sentence):
            continue
        words = _words(sentence)
        if words and all(
            len(words & other) / max(1, min(len(words), len(other))) < REPEAT_SHARE
            for other in kept_words
        ):
            kept.append(sentence)
            kept_words.append(words)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("feeds", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--show", type=int, default=SHOWN_STORIES)
    args = parser.parse_args()

    from throwaway_db import setup_throwaway_sqlite

    setup_throwaway_sqlite("nd-summaries-")
    from django.core.management import call_command
    from django.db.models import Max

    from stories.models import Article, Story
    from stories.services import stories_merge_pass
    from stories.summarize import bullets_from_json

    print(f"database: {os.environ['SQLITE_PATH']}")
    call_command("migrate", verbosity=0)
    call_command("ingest", replay=args.feeds.resolve(), stdout=io.StringIO())
    newest = Article.objects.aggregate(newest=Max("published_at"))["newest"]
    if newest is not None:
        # What beat does every 15 minutes, at the time of the newest replayed article.
        stories_merge_pass(now=newest)

    counts: Counter[str] = Counter()
    short = 0
    bare = []  # stories with no bullet at all: a reader sees headline and links only
    judged = []
    stories = Story.objects.filter(merged_into=None).prefetch_related("articles__source")
    for story in stories:
        articles = {article.id: article for article in story.articles.all()}
        outlets = {article.source.name for article in articles.values()}
        if len(outlets) < 2:
            continue
        bullets = bullets_from_json(story.summary)
        judged.append((len(outlets), story, bullets, articles))
        if not bullets:
            bare.append(story.headline)
            print(f"bare: {story.headline}")
        for bullet in bullets:
            for defect in defects(bullet["text"]):
                counts[defect] += 1
                print(f"{defect}: {bullet['text']}")
            sources = bullet["sources"]
            first = articles.get(sources[0].get("article_id")) if sources else None
            wrong = any(
                source.get("article_id") not in articles
                or articles[source["article_id"]].source.name != source.get("source")
                for source in sources
            )
            claimed = plain(bullet["text"]).rstrip(".")
            if first is None or wrong or claimed not in plain(read_of(first)):
                counts["unattributed"] += 1
                print(f"unattributed: {bullet['text']}")
        if len(bullets) < MIN_BULLETS:
            texts = [read_of(article) for article in articles.values()]
            offered = len(distinct_sentences(texts, informative))
            if offered >= MIN_BULLETS:
                short += 1
                print(f"short: {story.headline} ({len(bullets)} bullets, {offered} offered)")
            elif len(own := distinct_sentences(texts, passes_own_checks)) >= MIN_BULLETS:
                print(f"not short: {story.headline} ({len(bullets)} bullets); refused:")
                for sentence in own:
                    if reason := stand_alone_refusal(sentence):
                        print(f"  ({reason}) {sentence}")

    judged.sort(key=lambda item: (-item[0], item[1].id))
    print(f"\n{len(judged)} stories covered by two or more outlets")
    for name in ("question", "fragment", "boilerplate", "long", "unattributed"):
        print(f"  {name:13} {counts[name]}")
    print(f"  {'no bullet':13} {len(bare)}")
    for outlet_count, story, bullets, _articles in judged[: args.show]:
        print(f"\n# {story.headline}  ({outlet_count} outlets)")
        for bullet in bullets:
            names = ", ".join(source.get("source", "?") for source in bullet["sources"])
            print(f"  - {bullet['text']}  [{names}]")
            for other in bullet["other_figures"]:
                givers = ", ".join(s.get("source", "?") for s in other["sources"])
                print(f"      {other.get('measure', '')} {other['figure']} by {givers}")
    print(f"summaries short={short} defects={sum(counts.values())} bare={len(bare)}")


if __name__ == "__main__":
    main()
