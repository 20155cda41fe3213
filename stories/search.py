"""Search over stories and sources.

A story is found by its headline or by any of its articles' titles and excerpts (a reader
remembers the article they saw, not our headline); stories found through an article carry
that article's title as ``matched_title`` so the page can say why they are listed.

PostgreSQL: full-text search (``websearch`` syntax) ranked with ``SearchRank``; headline
matches rank first; source names weigh above domains and also match by prefix. Other databases
(the embedded SQLite mode): every word must appear as a case-insensitive substring, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import CombinedExpression

from sources.models import Source
from stories import reader
from stories.models import Article, Story
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


def article_document() -> CombinedExpression:
    """The article text search reads: its title, then its excerpt. The expression is the one
    indexed by migration stories 0006 (GIN): keep the two identical."""
    return SearchVector("title", weight="B", config="english") + SearchVector(
        "description", weight="C", config="english"
    )


def story_search_queryset(stories: QuerySet[Story], *, query: str) -> QuerySet[Story]:
    """``stories`` whose headline or one of whose articles matches ``query``, best first
    (PostgreSQL full text), each with ``matched_title``: the title of its first matching
    article, if any.

    The headline expression is the one indexed by migration stories 0004 (GIN): keep the two
    identical, or searches fall back to reading every story.
    """
    terms = SearchQuery(query, search_type="websearch", config="english")
    vector = SearchVector("headline", weight="A", config="english")
    matching_articles = Article.objects.annotate(document=article_document()).filter(document=terms)
    # Both sets of ids come from their own index (headline, article text), so the stories are
    # read by id rather than by scanning every story for either condition.
    by_headline = (
        Story.objects.annotate(document=vector).filter(document=terms).order_by().values("pk")
    )
    by_article = matching_articles.filter(story__isnull=False).order_by().values("story_id")
    return (
        stories.filter(pk__in=by_headline.union(by_article))
        .annotate(rank=SearchRank(vector, terms), matched_title=_first_title(matching_articles))
        .order_by("-rank", "-last_updated_at")
    )


def _first_title(matching_articles: QuerySet[Article]) -> Subquery:
    """The title of a story's earliest article among ``matching_articles`` (a subquery on the
    story's id), so the result list can say which article a story was found through."""
    return Subquery(
        matching_articles.filter(story=OuterRef("pk"))
        .order_by("published_at", "pk")
        .values("title")[:1]
    )


def search_stories(*, query: str, limit: int = STORY_RESULTS) -> list[Story]:
    found = _matching_stories(query=query, limit=limit)
    # The article that matched is worth naming only when the headline does not show why.
    pattern = reader.query_word_pattern(query)
    for story in found:
        if pattern is not None and pattern.search(story.headline):
            story.matched_title = ""  # type: ignore[attr-defined]  # annotated by the query
    return found


def _matching_stories(*, query: str, limit: int) -> list[Story]:
    stories = Story.objects.filter(merged_into=None).only(*STORY_CARD_FIELDS)
    if _full_text():
        return list(story_search_queryset(stories, query=query)[:limit])
    matching_articles = Article.objects.all()
    for word in _words(query):
        in_article = Q(title__icontains=word) | Q(description__icontains=word)
        matching_articles = matching_articles.filter(in_article)
        stories = stories.filter(
            Q(headline__icontains=word)
            | Q(pk__in=Article.objects.filter(in_article).values("story_id"))
        )
    stories = stories.annotate(matched_title=_first_title(matching_articles))
    return list(stories.order_by("-last_updated_at")[:limit])


def search_sources(*, query: str, limit: int = SOURCE_RESULTS) -> list[Source]:
    sources = Source.objects.filter(is_active=True).only(
        "id", "name", "slug", "domain", "country", "bias", "favicon"
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
