"""Small typed factories for stories tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sources.models import Source
from stories.models import Article

T0 = datetime(2026, 2, 17, 9, 0, tzinfo=UTC)
_counter = itertools.count(1)


def make_source(bias: str = "center", factuality: str = "high", **fields) -> Source:
    number = next(_counter)
    defaults = {
        "name": f"Outlet {number}",
        "slug": f"outlet-{number}",
        "domain": f"outlet{number}.example",
        "bias": bias,
        "factuality": factuality,
    }
    return Source.objects.create(**{**defaults, **fields})


def make_article(
    title: str,
    source: Source | None = None,
    *,
    minutes: float = 0,
    text: str = "",
    **fields,
) -> Article:
    number = next(_counter)
    source = source or make_source()
    return Article.objects.create(
        canonical_url=f"https://{source.domain}/a/{number}",
        url=f"https://{source.domain}/a/{number}",
        source=source,
        title=title,
        text=text,
        published_at=T0 + timedelta(minutes=minutes),
        status="extracted",
        **fields,
    )
