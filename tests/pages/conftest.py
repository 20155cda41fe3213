"""Reader page tests start from an empty page cache (the real Redis when REDIS_URL is set)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_page_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def premium_viewer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every viewer has premium: stands in for issue 7's memberships at the one switch."""
    monkeypatch.setattr("stories.access.viewer_has_premium", lambda user: True)
