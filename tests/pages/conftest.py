"""Reader page tests start from an empty page cache (the real Redis when REDIS_URL is set)."""

import pytest
from django.test import Client

from sources.scales import BiasLabel
from tests.factories import SourceFactory, sign_in_premium_member, story_with_articles


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


@pytest.fixture
def story():
    """A story of ten articles from five outlets across the spectrum (the browser tests' story)."""
    names = ["Harbor Gazette", "Civic Wire", "Meridian Times", "Plainview Post", "Liberty Daily"]
    biases = [
        BiasLabel.LEFT,
        BiasLabel.LEAN_LEFT,
        BiasLabel.CENTER,
        BiasLabel.CENTER,
        BiasLabel.RIGHT,
    ]
    sources = [SourceFactory(name=n, bias=b) for n, b in zip(names, biases, strict=True)]
    return story_with_articles(
        10,
        sources=sources,
        headline="Freed dissident vows to keep resisting regime from exile",
        summary=[
            "The dissident was among 123 political prisoners freed in a brokered deal.",
            "He urged the union to negotiate while warning that arrests continue.",
        ],
        side_headlines={
            "left": {"headline": "Freed dissident: the fight goes on", "source_name": "Civic Wire"},
            "right": {"headline": "Prisoner swap frees 123", "source_name": "Liberty Daily"},
        },
    )
