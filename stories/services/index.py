"""What placement works with: the clustering index kept in the database, and an article's
features, time and opening headline."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from stories import clustering, embeddings, headline, sentences
from stories.models import Article, Story, StoryTerm, TermFrequency

DOCUMENT_COUNT_TERM = ""


# The lead passed to clustering: about the first two paragraphs, where a news report names
# its actors, place and action; later paragraphs drift into background other events share.
CLUSTER_LEAD_CHARS = 1000


SLUG_TITLE_CHARS = 100


class DatabaseIndex:
    """``clustering.ClusterIndex`` over StoryTerm and TermFrequency; call inside the lock.

    One instance serves one placement: the document count is read with the frequencies (one
    query instead of two, under the lock) and kept for the ``document_count`` call after it.
    """

    def __init__(self) -> None:
        self._document_count: int | None = None

    def document_count(self) -> int:
        if self._document_count is None:
            row = TermFrequency.objects.filter(term=DOCUMENT_COUNT_TERM).first()
            self._document_count = row.document_count if row else 0
        return self._document_count

    def document_frequencies(self, terms: Iterable[str]) -> Mapping[str, int]:
        counts = dict(
            TermFrequency.objects.filter(term__in=[*terms, DOCUMENT_COUNT_TERM]).values_list(
                "term", "document_count"
            )
        )
        self._document_count = counts.pop(DOCUMENT_COUNT_TERM, 0)
        return counts

    def candidate_stories(
        self, terms: Sequence[str], *, active_since: datetime, limit: int
    ) -> list[clustering.StoryState]:
        # The stories are read in the same query (placement does not depend on their order).
        story_ids = candidate_story_ids(terms, active_since=active_since, limit=limit)
        stories = (
            Story.objects.filter(id__in=story_ids).order_by().values_list("id", "cluster_state")
        )
        return [
            clustering.StoryState.from_json(story_id, cluster_state)
            for story_id, cluster_state in stories
            if cluster_state
        ]

    def record_frequencies(self, terms: Iterable[str]) -> None:
        # One statement that counts the article in: no read of the current counts first.
        terms = sorted({*terms, DOCUMENT_COUNT_TERM})
        table = connection.ops.quote_name(TermFrequency._meta.db_table)
        rows = ", ".join(["(%s, 1)"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (term, document_count) VALUES {rows}"  # noqa: S608
                " ON CONFLICT (term) DO UPDATE SET document_count = "
                f"{table}.document_count + 1",
                terms,
            )

    def record_terms(self, story_id: int, terms: Iterable[str], at: datetime) -> None:
        StoryTerm.objects.bulk_create(
            [StoryTerm(story_id=story_id, term=term, last_active_at=at) for term in set(terms)],
            update_conflicts=True,
            unique_fields=["story", "term"],
            update_fields=["last_active_at"],
        )


def candidate_story_ids(
    terms: Iterable[str],
    *,
    active_since: datetime,
    limit: int,
    active_until: datetime | None = None,
) -> QuerySet[StoryTerm, int]:
    """Live stories that used one of ``terms`` between ``active_since`` and ``active_until``
    (no end: until now), the most recently active first, at most ``limit``; a subquery.

    Uses story_term_lookup_idx: one range scan per term, never all stories.
    """
    rows = StoryTerm.objects.filter(
        term__in=list(terms), last_active_at__gte=active_since, story__merged_into__isnull=True
    )
    if active_until is not None:
        rows = rows.filter(last_active_at__lte=active_until)
    return (
        rows.values("story_id")
        .annotate(latest=Max("last_active_at"))
        .order_by("-latest", "story_id")
        .values_list("story_id", flat=True)[:limit]
    )


def article_time(article: Article) -> datetime:
    return article.published_at or article.created_at or timezone.now()


def opening_headline(article: Article) -> str:
    """The headline a new story starts with, and so the one its slug is made from.

    It is chosen by the same rules as every later headline (``headline.choose_headline``), so
    a story opened by a question, an opinion piece or a gallery starts with its article's lead
    sentence instead, and its slug names the event. The slug never changes afterwards: links
    to the story must keep working, so "the headline the story first settles on" is the first
    headline it is ever shown with.
    """
    # No outlet name: loading it would cost a query under the clustering lock, and the
    # suffix heuristics of headline.clean_title catch " - Outlet" without it.
    title = headline.clean_title(article.title)
    if title and headline.title_kind(title) is None:
        # The title states the event, so the lead is not needed: sentence splitting is the
        # costliest step of placement, and most titles do.
        return title
    candidate = headline.HeadlineCandidate(
        title=article.title, lead=sentences.lead_sentence(article.best_text)
    )
    return headline.choose_headline([candidate]) or title


def new_slug(title: str) -> str:
    base = slugify(headline.clean_title(title))[:SLUG_TITLE_CHARS].strip("-") or "story"
    return f"{base}-{secrets.token_hex(3)}"


def features_of(article: Article) -> clustering.ArticleFeatures:
    """The article's clustering features, its sentence embedding included: the stored one,
    else worked out now (about 20 ms of CPU: before taking the clustering lock)."""
    lead = clustering.lead_of(article.description, article.best_text, CLUSTER_LEAD_CHARS)
    return clustering.article_features(
        article.id,
        article.title,
        article_time(article),
        lead=lead,
        embedding=(
            embeddings.unpack(article.embedding)
            if article.embedding
            else clustering.embedding_of(article.title, lead)
        ),
    )
