"""Ingestion services: the only place that mixes the ORM with the pure ingestion modules.

Locking pattern (every service): read the row without a lock, do the slow network and CPU work
outside any transaction, then open a short transaction, ``select_for_update()`` the row and
re-check it before writing. The database, not the queue, is the source of truth: every service
is safe to run twice, and follow-up tasks are queued with ``transaction.on_commit``.

Modules: ``feeds`` (poll a feed, claim due feeds), ``articles`` (extract, store, link wire
copies, sweep lost work), ``images`` (an article's picture, an outlet's icon) and ``common``
(outcomes, follow-up tasks). Reads live in ``ingestion.selectors``.
"""

from ingestion.services.articles import (
    STUCK_ARTICLE_BATCH,
    article_extract,
    article_give_up,
    articles_requeue_stuck,
)
from ingestion.services.common import (
    ArticleExtractOutcome,
    ArticleExtractStatus,
    FeedFetchOutcome,
    FeedFetchStatus,
    TransientIngestionError,
)
from ingestion.services.feeds import feed_fetch, feed_record_failure, feeds_claim_due
from ingestion.services.images import (
    PictureOutcome,
    PictureStatus,
    article_image_fetch,
    article_image_record_failure,
    source_favicon_fetch,
)

__all__ = [
    "STUCK_ARTICLE_BATCH",
    "ArticleExtractOutcome",
    "ArticleExtractStatus",
    "FeedFetchOutcome",
    "FeedFetchStatus",
    "PictureOutcome",
    "PictureStatus",
    "TransientIngestionError",
    "article_extract",
    "article_give_up",
    "article_image_fetch",
    "article_image_record_failure",
    "articles_requeue_stuck",
    "feed_fetch",
    "feed_record_failure",
    "feeds_claim_due",
    "source_favicon_fetch",
]
