"""Reader page tests start from an empty page cache (the real Redis when REDIS_URL is set)."""

from pathlib import Path

import pytest
from django.test import Client

from infra import media
from ingestion import images
from sources.models import Source
from sources.scales import BiasLabel
from stories.models import Story
from tests.factories import (
    SourceFactory,
    sign_in_premium_member,
    story_with_articles,
)
from tests.ingestion import pictures


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


def _write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_photo(media_root: Path):
    """``stored_photo(width=…)``: the key of a photo whose renditions sit in MEDIA_ROOT, as
    ingestion leaves them."""

    def store(width: int = 1200, height: int = 700) -> str:
        data = pictures.photo(width, height)
        key = images.picture_key(data)
        renditions = images.render_photo(data)
        _write(media_root, {media.image_name(key, name): body for name, body in renditions.items()})
        return key

    return store


@pytest.fixture
def stored_icon(media_root: Path) -> str:
    data = pictures.icon()
    key = images.picture_key(data)
    _write(media_root, {media.icon_name(key): images.render_icon(data)})
    return key


@pytest.fixture
def pictured_story(story, stored_photo, stored_icon):
    """The browser tests' story with pictures: the story's, a thumbnail on half its articles,
    and an icon for all its outlets but one (which shows its letter badge)."""
    key = stored_photo()
    articles = list(story.articles.order_by("published_at"))
    for index, article in enumerate(articles):
        article.image = key if index % 2 == 0 else ""
        article.save(update_fields=["image"])
    sources = sorted({article.source for article in articles}, key=lambda s: s.pk)
    Source.objects.filter(pk__in=[s.pk for s in sources[1:]]).update(favicon=stored_icon)
    # The story's own picture differs from its articles' (as when a later report's picture
    # is not the earliest original's), so the rows' thumbnails are not the header's again.
    Story.objects.filter(pk=story.pk).update(image=stored_photo(1000, 600))
    story.refresh_from_db()
    return story
