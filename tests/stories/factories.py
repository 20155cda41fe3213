"""Plain helpers over the shared factories for clustering tests: outlets and articles placed
at ``T0`` plus some minutes, with only the text a test gives them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sources.models import Source
from stories import embeddings
from stories.models import Article
from stories.services.index import features_of
from tests.factories import ArticleFactory, SourceFactory

T0 = datetime(2026, 2, 17, 9, 0, tzinfo=UTC)
_article_numbers = itertools.count(1)


def make_source(bias: str = "center", factuality: str = "high", **fields) -> Source:
    return SourceFactory(bias=bias, factuality=factuality, **fields)


def make_article(
    title: str,
    source: Source | None = None,
    *,
    minutes: float = 0,
    text: str = "",
    **fields,
) -> Article:
    source = source or make_source()
    fields.setdefault("feed_summary", "")
    # Each article lives at its outlet's address, as clustering sees it in production.
    url = f"https://{source.domain}/a/{next(_article_numbers)}"
    return ArticleFactory(
        canonical_url=url,
        url=url,
        source=source,
        title=title,
        text=text,
        published_at=T0 + timedelta(minutes=minutes),
        status="extracted",
        **fields,
    )


def waiting_for_the_lock(*articles: Article) -> None:
    """The articles as their own placement tasks leave them while they wait for the clustering
    lock: each one's embedding worked out and kept, which is what a batch places them by."""
    for article in articles:
        embedding = features_of(article).embedding
        if embedding is not None:
            Article.objects.filter(pk=article.pk).update(embedding=embeddings.pack(embedding))
