"""Reader page tests start from an empty page cache (the real Redis when REDIS_URL is set)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from stories.views import LOCAL_CACHE


@pytest.fixture(autouse=True)
def empty_page_cache() -> Iterator[None]:
    cache.clear()
    LOCAL_CACHE.clear()
    yield
    cache.clear()
    LOCAL_CACHE.clear()


@pytest.fixture(autouse=True)
def no_recheck_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Story versions are re-read on every request unless a test sets a delay itself."""
    monkeypatch.setattr("stories.views.RECHECK_SECONDS", 0)


@pytest.fixture
def premium_viewer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every viewer has premium: stands in for issue 7's memberships at the one switch."""
    monkeypatch.setattr("stories.access.viewer_has_premium", lambda user: True)
