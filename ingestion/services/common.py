"""What the ingestion services share: their outcomes, the transient error, follow-up tasks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from infra.tasks import enqueue_on_commit
from ingestion import http
from stories.models import ArticleStatus

# Longest error text kept on a feed (Feed.last_error is a TextField; this keeps rows small).
MAX_ERROR_LENGTH = 1000


class TransientIngestionError(Exception):
    """Worth retrying soon (timeout, connection reset, 5xx, 429); carries the fetch error."""

    def __init__(self, error: http.FetchError) -> None:
        super().__init__(str(error))
        self.error = error


class FeedFetchStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"
    SKIPPED = "skipped"  # no such feed, or paused


class ArticleExtractStatus(StrEnum):
    """The article's new status, or what happened instead of a change."""

    EXTRACTED = ArticleStatus.EXTRACTED.value
    FEED_ONLY = ArticleStatus.FEED_ONLY.value
    SKIPPED = "skipped"  # no longer pending
    MERGED = "merged"  # another article owns the page's canonical URL


@dataclass(frozen=True)
class FeedFetchOutcome:
    feed_id: int
    status: FeedFetchStatus
    new_article_ids: tuple[int, ...] = ()
    entry_count: int = 0
    error: str = ""


@dataclass(frozen=True)
class ArticleExtractOutcome:
    article_id: int
    status: ArticleExtractStatus
    reason: str = ""


def queue_extraction(article_ids: list[int]) -> None:
    from ingestion.tasks import article_extract

    for article_id in article_ids:
        enqueue_on_commit(article_extract, article_id)


def queue_clustering(article_id: int) -> None:
    from stories.tasks import article_cluster

    enqueue_on_commit(article_cluster, article_id)
