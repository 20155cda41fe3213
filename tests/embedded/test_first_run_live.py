"""Live mode: the catalogue's feeds go through the real pipeline (served here on loopback)."""

import json

import pytest

from embedded.first_run import live_ingest
from sources.models import Source
from stories.models import Article, ArticleStatus, Story


@pytest.mark.django_db(transaction=True)
def test_live_mode_loads_the_catalogue_and_ingests_its_feeds_into_stories(server, tmp_path):
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(
        json.dumps(
            {
                "format": "newsdesk-catalogue",
                "version": 1,
                "outlets": [
                    {
                        "slug": "loopback-daily",
                        "name": "Loopback Daily",
                        "domain": "loopback-daily.test",
                        "feeds": [server.url("/generated/aeb.xml")],
                    }
                ],
            }
        )
    )
    messages: list[str] = []

    live_ingest(progress=messages.append, catalogue=catalogue)

    source = Source.objects.get(slug="loopback-daily")
    articles = Article.objects.filter(source=source)
    assert articles.exists()
    assert not articles.filter(status=ArticleStatus.PENDING).exists()
    assert articles.filter(status=ArticleStatus.EXTRACTED).exists()
    assert Story.objects.filter(articles__source=source).exists()
    assert any("Ingesting 1 live feeds" in message for message in messages)
