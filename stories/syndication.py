"""The RSS and Atom feeds this site publishes (incoming feeds are parsed by ingestion.feeds):
top stories, blindspots, the stories each source covers and the stories of each topic.

Everyone gets the free figures (source counts per side). A reader with premium now
(``stories.access``) also gets, per story, the factuality distribution and the ownership
breakdown of its sources: a sentence in the description and ``nd:factuality`` /
``nd:ownership`` elements (namespace ``FIGURES_NAMESPACE``). Premium is known from the session
cookie, or from an API token (``members.middleware``) sent as ``Authorization: Bearer <token>``
or, because most feed readers cannot send headers, as ``?token=<token>`` on the feed URL.

Responses are never shared between readers: they are ``Cache-Control: private, no-cache`` and
vary on ``Authorization`` and ``Cookie``. Feeds are not cached on the server. The ETag is a
hash of the tier and of the body sent, so ``If-None-Match`` answers 304 only to a reader who
already holds exactly what they would be sent: a premium ETag never matches a free reader's
feed. ``If-Modified-Since`` alone is not honoured (the dates are the same for every tier, so
it cannot tell a reader who just became premium that their copy is stale).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.xmlutils import SimplerXMLGenerator

from sources.models import Source
from sources.scales import FactualityLabel, OwnershipCategory
from stories import access, coverage, editions, page_cache, selectors
from stories.models import Story, Topic
from stories.summarize import bullet_texts

FEED_ITEMS = 30
FIGURES_NAMESPACE = "urn:x-newsdesk:figures:1"
FIGURES_PREFIX = "nd"


@dataclass(frozen=True)
class GatedCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class FeedScope:
    """One request's view of a feed: premium or not, and the outlet of a source feed."""

    premium: bool
    upgrade_url: str
    source: Source | None = None
    topic: Topic | None = None
    reader_id: int | None = None  # a feed of one reader's own choices (their saved stories)
    edition: editions.Edition | None = None


@dataclass(frozen=True)
class FeedStory:
    """A story as a feed item; the gated counts are empty unless the reader has premium."""

    story: Story
    factuality: tuple[GatedCount, ...] = ()
    ownership: tuple[GatedCount, ...] = ()


def _counts(counts: Mapping[str, int], choices: Any) -> tuple[GatedCount, ...]:
    return tuple(
        GatedCount(choice.value, choice.label, int(counts.get(choice.value, 0)))
        for choice in choices
        if counts.get(choice.value, 0)
    )


def _figures_by_story(story_ids: list[int]) -> dict[int, dict[str, Any]]:
    # One query for the whole feed, asked only for premium readers: the story selectors
    # leave the figures out of feed rows, and reading them item by item would be N+1.
    rows = Story.objects.filter(pk__in=story_ids).values_list("id", "figures")
    return {story_id: figures or {} for story_id, figures in rows}


def feed_stories(stories: list[Story], *, premium: bool) -> list[FeedStory]:
    """``stories`` as feed items; gated counts filled in only when ``premium``."""
    if not premium:
        return [FeedStory(story) for story in stories]
    figures = _figures_by_story([story.pk for story in stories])
    return [
        FeedStory(
            story,
            factuality=_counts(figures.get(story.pk, {}).get("factuality") or {}, FactualityLabel),
            ownership=_counts(figures.get(story.pk, {}).get("ownership") or {}, OwnershipCategory),
        )
        for story in stories
    ]


def _sentence(counts: tuple[GatedCount, ...]) -> str:
    return ", ".join(f"{count.count} {count.label}" for count in counts)


class _FiguresElements:
    """Writes an item's gated counts as ``nd:factuality`` / ``nd:ownership`` elements."""

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)  # type: ignore[misc]
        for name, counts in (("factuality", item["factuality"]), ("ownership", item["ownership"])):
            if not counts:
                continue
            handler.startElement(f"{FIGURES_PREFIX}:{name}", AttributesImpl({}))
            for count in counts:
                handler.addQuickElement(
                    f"{FIGURES_PREFIX}:sources",
                    str(count.count),
                    {"key": count.key, "label": count.label},
                )
            handler.endElement(f"{FIGURES_PREFIX}:{name}")


class FiguresRssFeed(_FiguresElements, Rss201rev2Feed):
    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), f"xmlns:{FIGURES_PREFIX}": FIGURES_NAMESPACE}


class FiguresAtomFeed(_FiguresElements, Atom1Feed):
    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), f"xmlns:{FIGURES_PREFIX}": FIGURES_NAMESPACE}


class StoryFeed(Feed):
    """Base of every story feed: tier decided once per request, private responses."""

    feed_type: type[SyndicationFeed] = FiguresRssFeed
    # members.middleware signs the token's owner in for views that say so.
    accepts_api_token = True
    accepts_query_token = True

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        premium = access.viewer_has_premium(request.user)
        response = super().__call__(request, *args, premium=premium, **kwargs)
        tier = access.PREMIUM if premium else access.FREE
        etag = page_cache.page_etag("feed", tier, hashlib.sha256(response.content).hexdigest())
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return get_conditional_response(request, etag=etag, response=response) or response

    def get_object(self, request: HttpRequest, *args: Any, premium: bool, **kwargs: Any) -> Any:
        return FeedScope(
            premium=premium, upgrade_url=request.build_absolute_uri(reverse("upgrade"))
        )

    def feed_summary(self, scope: FeedScope) -> str:
        raise NotImplementedError

    def stories(self, scope: FeedScope) -> list[Story]:
        raise NotImplementedError

    def description(self, scope: FeedScope) -> str:
        summary = self.feed_summary(scope)
        if scope.premium:
            return f"{summary} With the factuality and ownership of the sources (Premium)."
        return (
            f"{summary} Factuality and ownership figures are for Premium members: "
            f"Upgrade to Premium at {scope.upgrade_url}"
        )

    def subtitle(self, scope: FeedScope) -> str:  # Atom's name for the description
        return self.description(scope)

    def items(self, scope: FeedScope) -> list[FeedStory]:
        return feed_stories(self.stories(scope), premium=scope.premium)

    def item_title(self, item: FeedStory) -> str:
        return item.story.headline

    def item_link(self, item: FeedStory) -> str:
        return item.story.get_absolute_url()

    def item_description(self, item: FeedStory) -> str:
        # Plain text: the syndication framework escapes it for the XML.
        story = item.story
        bullets = " ".join(bullet_texts(story.summary)[:2])
        sentence = coverage.sentence_from_counts(
            left=story.left_count,
            center=story.center_count,
            right=story.right_count,
            unrated=story.unrated_count,
        )
        parts = [
            bullets,
            f"{story.source_count} sources: {story.left_count} left, {story.center_count} "
            f"center, {story.right_count} right, {story.unrated_count} unrated.",
            f"{sentence}.",
            f"{story.origin_count} original report{'' if story.origin_count == 1 else 's'}.",
        ]
        if item.factuality:
            parts.append(f"Factuality of the sources: {_sentence(item.factuality)}.")
        if item.ownership:
            parts.append(f"Ownership of the sources: {_sentence(item.ownership)}.")
        return " ".join(part for part in parts if part)

    def item_extra_kwargs(self, item: FeedStory) -> dict[str, Any]:
        return {"factuality": item.factuality, "ownership": item.ownership}

    def item_pubdate(self, item: FeedStory) -> datetime:
        return item.story.first_seen_at

    def item_updateddate(self, item: FeedStory) -> datetime:
        return item.story.last_updated_at

    def item_guid(self, item: FeedStory) -> str:
        return f"newsdesk-story-{item.story.pk}"

    item_guid_is_permalink = False


class TopStoriesFeed(StoryFeed):
    title = "Newsdesk: top stories"

    def feed_summary(self, scope: FeedScope) -> str:
        return "The latest stories and how many outlets on each side cover them."

    def link(self) -> str:
        return reverse("home")

    def stories(self, scope: FeedScope) -> list[Story]:
        return selectors.story_list_latest(limit=FEED_ITEMS)


class TopStoriesAtomFeed(TopStoriesFeed):
    feed_type = FiguresAtomFeed


class BlindspotFeed(StoryFeed):
    title = "Newsdesk: blindspots"

    def feed_summary(self, scope: FeedScope) -> str:
        return "Stories that outlets on the left or on the right are hardly covering."

    def link(self) -> str:
        return reverse("blindspot")

    def stories(self, scope: FeedScope) -> list[Story]:
        return selectors.story_list_latest(blindspot_only=True, limit=FEED_ITEMS)

    def item_title(self, item: FeedStory) -> str:
        return f"[{item.story.get_blindspot_display()}] {item.story.headline}"

    def item_description(self, item: FeedStory) -> str:
        # Every blindspot says why; the figures come with the rows (one query).
        reason = (item.story.figures or {}).get("blindspot_reason", "")
        description = super().item_description(item)
        return f"{reason}. {description}" if reason else description


class BlindspotAtomFeed(BlindspotFeed):
    feed_type = FiguresAtomFeed


class SourceFeed(StoryFeed):
    def get_object(  # type: ignore[override]
        self, request: HttpRequest, slug: str, *, premium: bool
    ) -> FeedScope:
        source = Source.objects.filter(slug=slug).only("id", "name", "slug").first()
        if source is None:
            raise Http404("No such source")
        scope = super().get_object(request, premium=premium)
        return FeedScope(premium=scope.premium, upgrade_url=scope.upgrade_url, source=source)

    @staticmethod
    def _source(scope: FeedScope) -> Source:
        if scope.source is None:  # get_object always sets it
            raise Http404("No such source")
        return scope.source

    def title(self, scope: FeedScope) -> str:
        return f"Newsdesk: stories covered by {self._source(scope).name}"

    def feed_summary(self, scope: FeedScope) -> str:
        name = self._source(scope).name
        return f"The latest stories {name} reports on, with who else covers them."

    def link(self, scope: FeedScope) -> str:
        return self._source(scope).get_absolute_url()

    def stories(self, scope: FeedScope) -> list[Story]:
        return selectors.source_recent_stories(source_id=self._source(scope).pk, limit=FEED_ITEMS)


class SourceAtomFeed(SourceFeed):
    feed_type = FiguresAtomFeed


class TopicFeed(StoryFeed):
    """The latest stories about one topic (a section, person, organisation or place)."""

    def get_object(  # type: ignore[override]
        self, request: HttpRequest, slug: str, *, premium: bool
    ) -> FeedScope:
        topic = selectors.topic_get_live(slug=slug)
        if topic is None:
            raise Http404("No such topic")
        scope = super().get_object(request, premium=premium)
        return FeedScope(premium=scope.premium, upgrade_url=scope.upgrade_url, topic=topic)

    @staticmethod
    def _topic(scope: FeedScope) -> Topic:
        if scope.topic is None:  # get_object always sets it
            raise Http404("No such topic")
        return scope.topic

    def title(self, scope: FeedScope) -> str:
        return f"Newsdesk: {self._topic(scope).label}"

    def feed_summary(self, scope: FeedScope) -> str:
        return f"The latest stories about {self._topic(scope).label}, with who covers them."

    def link(self, scope: FeedScope) -> str:
        return self._topic(scope).get_absolute_url()

    def stories(self, scope: FeedScope) -> list[Story]:
        return selectors.topic_stories(topic_id=self._topic(scope).pk, limit=FEED_ITEMS)


class TopicAtomFeed(TopicFeed):
    feed_type = FiguresAtomFeed


class EditionFeed(StoryFeed):
    """The latest stories of an edition (its outlets' countries and places)."""

    def get_object(  # type: ignore[override]
        self, request: HttpRequest, code: str, *, premium: bool
    ) -> FeedScope:
        edition = editions.parse_edition(code)
        if edition is None:
            raise Http404("No such edition")
        scope = super().get_object(request, premium=premium)
        return FeedScope(premium=scope.premium, upgrade_url=scope.upgrade_url, edition=edition)

    @staticmethod
    def _edition(scope: FeedScope) -> editions.Edition:
        if scope.edition is None:  # get_object always sets it
            raise Http404("No such edition")
        return scope.edition

    def title(self, scope: FeedScope) -> str:
        return f"Newsdesk: {self._edition(scope).name} edition"

    def feed_summary(self, scope: FeedScope) -> str:
        return f"The latest stories of the {self._edition(scope).name} edition."

    def link(self, scope: FeedScope) -> str:
        return reverse("edition_detail", kwargs={"code": self._edition(scope).code})

    def stories(self, scope: FeedScope) -> list[Story]:
        return selectors.story_list_edition_latest(edition=self._edition(scope), limit=FEED_ITEMS)


class EditionAtomFeed(EditionFeed):
    feed_type = FiguresAtomFeed
