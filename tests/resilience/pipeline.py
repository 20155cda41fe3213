"""Ingest a hostile outlet through the real pipeline, in this process.

Feed registration as ``manage.py ingest --replay`` does it (the outlet is named after the
channel title), then the services a worker would run: poll the feed over HTTP, download and
extract every article page over HTTP, cluster and refresh the stories. The services also queue
follow-up tasks on the broker after each commit; nobody consumes them here, so they are purged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from embedded.services import feeds_register_replay
from ingestion import services as ingestion
from newsdesk.celery import app
from sources.models import Feed, Source
from stories import services as stories
from stories.models import Article, ArticleStatus, Story
from tests.resilience import payloads
from tests.resilience.conftest import HostileServer

HOSTILE_PAGES = 3


@dataclass(frozen=True)
class IngestedOutlet:
    source: Source
    feed: Feed
    stories: list[Story]


def serve_hostile_outlet(server: HostileServer) -> str:
    """Register the hostile feed and its article pages on ``server``; the feed's URL."""
    for n in range(1, HOSTILE_PAGES + 1):
        server.serve(
            f"/article/{n}", payloads.hostile_page(n), content_type="text/html; charset=utf-8"
        )
    return server.serve("/hostile.xml", hostile_feed_document(server.base_url))


def hostile_feed_document(base_url: str) -> bytes:
    return payloads.rss(
        payloads.hostile_items(base_url),
        channel_title=payloads.CHANNEL_TITLE,
        link="javascript:alert('channel-link')",
    )


def ingest_hostile_outlet(server: HostileServer) -> IngestedOutlet:
    feed_url = serve_hostile_outlet(server)
    [feed_id] = feeds_register_replay(
        urls_and_documents=[(feed_url, hostile_feed_document(server.base_url))],
        now=timezone.now(),
    )
    ingestion.feed_fetch(feed_id=feed_id, queue=False)
    for article_id in Article.objects.filter(feed_id=feed_id).values_list("id", flat=True):
        ingestion.article_extract(article_id=article_id)
    story_ids = set()
    clusterable = (ArticleStatus.EXTRACTED, ArticleStatus.FEED_ONLY)
    for article in Article.objects.filter(feed_id=feed_id, status__in=clusterable):
        story_id = stories.article_cluster(article_id=article.id)
        if story_id is not None:
            story_ids.add(story_id)
    for story_id in story_ids:
        stories.story_refresh(story_id=story_id)
    app.control.purge()
    feed = Feed.objects.select_related("source").get(pk=feed_id)
    return IngestedOutlet(
        source=feed.source,
        feed=feed,
        stories=list(Story.objects.filter(pk__in=story_ids).order_by("id")),
    )
