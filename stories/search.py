"""Search over stories and sources.

PostgreSQL: full-text search (``websearch`` syntax) ranked with ``SearchRank``; source names
weigh above domains and also match by prefix. Other databases (the embedded SQLite mode):
every word must appear as a case-insensitive substring, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from sources.models import Source
from stories.models import Story
from stories.selectors import STORY_CARD_FIELDS

MAX_QUERY_CHARS = 200
STORY_RESULTS = 20
SOURCE_RESULTS = 10
MAX_FALLBACK_WORDS = 8


@dataclass(frozen=True)
class SearchResults:
    query: str
    stories: list[Story]
    sources: list[Source]

    @property
    def empty(self) -> bool:
        return not (self.stories or self.sources)


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def story_search_queryset(stories: QuerySet[Story], *, query: str) -> QuerySet[Story]:
    """``stories`` whose headline matches ``query``, best first (PostgreSQL full text).

    The document expression is the one indexed by migration stories 0004 (GIN): keep the two
    identical, or searches fall back to reading every story.
    """
    terms = SearchQuery(query, search_type="websearch", config="english")
    vector = SearchVector("headline", weight="A", config="english")
    return (
        stories.annotate(document=vector, rank=SearchRank(vector, terms))
        .filter(document=terms)
        .order_by("-rank", "-last_updated_at")
    )


def search_stories(*, query: str, limit: int = STORY_RESULTS) -> list[Story]:
    stories = Story.objects.filter(merged_into=None).only(*STORY_CARD_FIELDS)
    if _full_text():
        return list(story_search_queryset(stories, query=query)[:limit])
    for word in _words(query):
        stories = stories.filter(headline__icontains=word)
    return list(stories.order_by("-last_updated_at")[:limit])


def search_sources(*, query: str, limit: int = SOURCE_RESULTS) -> list[Source]:
    sources = Source.objects.filter(is_active=True).only(
        "id", "name", "slug", "domain", "country", "bias"
    )
    if _full_text():
        vector = SearchVector("name", weight="A", config="simple") + SearchVector(
            "domain", weight="B", config="simple"
        )
        terms = SearchQuery(query, search_type="websearch", config="simple")
        ranked = sources.annotate(document=vector, rank=SearchRank(vector, terms)).filter(
            document=terms
        )
        # Prefix typing ("harb") finds "Harbor Gazette" too.
        prefix = sources.filter(Q(name__istartswith=query) | Q(domain__istartswith=query))
        found: list[Source] = list(ranked.order_by("-rank", "name")[:limit])
        seen = {source.pk for source in found}
        found += [s for s in prefix.order_by("name")[:limit] if s.pk not in seen]
        return found[:limit]
    for word in _words(query):
        sources = sources.filter(Q(name__icontains=word) | Q(domain__icontains=word))
    return list(sources.order_by("name")[:limit])


def _words(query: str) -> list[str]:
    """The fallback matches every word anywhere, so "water ransomware" still finds a story."""
    return query.split()[:MAX_FALLBACK_WORDS]


def search_all(*, query: str) -> SearchResults:
    if not query:
        return SearchResults(query="", stories=[], sources=[])
    return SearchResults(
        query=query,
        stories=search_stories(query=query),
        sources=search_sources(query=query),
    )
