"""Reader page tests start from an empty page cache (the real Redis when REDIS_URL is set)."""

import pytest
from django.test import Client

from tests.factories import sign_in_premium_member


@pytest.fixture(autouse=True)
def every_page_test_starts_with_an_empty_page_cache(empty_page_cache) -> None:
    return None


@pytest.fixture(autouse=True)
def no_recheck_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Story versions are re-read on every request unless a test sets a delay itself."""
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 0)


@pytest.fixture
def premium_viewer(client: Client) -> None:
    """The test's client is a signed-in Premium member."""
    sign_in_premium_member(client)
