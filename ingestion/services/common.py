"""What the ingestion services share: their outcomes, the transient error, follow-up tasks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction

from ingestion import http

# Longest error text kept on a feed (Feed.last_error is a TextField; this keeps rows small).
MAX_ERROR_LENGTH = 1000


class TransientIngestionError(Exception):
    """Worth retrying soon (timeout, connection reset, 5xx, 429); carries the fetch error."""

    def __init__(self, error: http.FetchError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class FeedFetchOutcome:
    feed_id: int
    status: str  # "ok", "not_modified", "failed", "skipped"
    new_article_ids: tuple[int, ...] = ()
    entry_count: int = 0
    error: str = ""


@dataclass(frozen=True)
class ArticleExtractOutcome:
    article_id: int
    status: str  # an ArticleStatus value, "skipped" or "merged"
    reason: str = ""


def queue_extraction(article_ids: list[int]) -> None:
    from ingestion.tasks import article_extract

    for article_id in article_ids:
        transaction.on_commit(partial(article_extract.delay, article_id))


def queue_clustering(article_id: int) -> None:
    from stories.tasks import article_cluster

    transaction.on_commit(partial(article_cluster.delay, article_id))
