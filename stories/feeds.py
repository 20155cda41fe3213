"""RSS and Atom feeds: top stories, blindspots, and the stories each source covers.

Feeds carry only free figures (source counts and the bias sentence), never premium ones.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from sources.models import Source
from stories import selectors
from stories.models import Story

FEED_ITEMS = 30


class TopStoriesFeed(Feed):
    title = "Newsdesk: top stories"
    description = "The latest stories and how many outlets on each side cover them."

    def link(self) -> str:
        return reverse("home")

    def items(self) -> list[Story]:
        return selectors.story_list_latest(limit=FEED_ITEMS)

    def item_title(self, item: Story) -> str:
        return item.headline

    def item_description(self, item: Story) -> str:
        # Plain text: the syndication framework escapes it for the XML.
        bullets = " ".join(str(b) for b in (item.summary or [])[:2])
        counts = (
            f"{item.source_count} sources: {item.left_count} left, {item.center_count} center, "
            f"{item.right_count} right, {item.unrated_count} unrated."
        )
        return f"{bullets} {counts}".strip()

    def item_pubdate(self, item: Story) -> datetime:
        return item.first_seen_at

    def item_updateddate(self, item: Story) -> datetime:
        return item.last_updated_at

    def item_guid(self, item: Story) -> str:
        return f"newsdesk-story-{item.pk}"

    item_guid_is_permalink = False


class TopStoriesAtomFeed(TopStoriesFeed):
    feed_type = Atom1Feed
    subtitle = TopStoriesFeed.description


class BlindspotFeed(TopStoriesFeed):
    title = "Newsdesk: blindspots"
    description = "Stories that outlets on the left or on the right are hardly covering."

    def link(self) -> str:
        return reverse("blindspot")

    def items(self) -> list[Story]:
        return selectors.story_list_latest(blindspot_only=True, limit=FEED_ITEMS)

    def item_title(self, item: Story) -> str:
        return f"[{item.get_blindspot_display()}] {item.headline}"


class BlindspotAtomFeed(BlindspotFeed):
    feed_type = Atom1Feed
    subtitle = BlindspotFeed.description


class SourceFeed(TopStoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Source:
        source = Source.objects.filter(slug=slug).only("id", "name", "slug").first()
        if source is None:
            raise Http404("No such source")
        return source

    def title(self, obj: Source) -> str:
        return f"Newsdesk: stories covered by {obj.name}"

    def description(self, obj: Source) -> str:
        return f"The latest stories {obj.name} reports on, with who else covers them."

    def link(self, obj: Source) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Source) -> list[Story]:
        return selectors.source_recent_stories(source_id=obj.pk, limit=FEED_ITEMS)


class SourceAtomFeed(SourceFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Source) -> str:
        return self.description(obj)
