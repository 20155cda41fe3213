"""The issues as RSS and Atom feeds, for readers who would rather not get mail.

Like the story feeds (``stories.syndication``): premium is decided per request, the factuality
sentences are in the descriptions only for premium readers, and the response is private.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed

from newsletters import selectors
from newsletters.content import IssueContent, StoryItem
from newsletters.models import Issue
from stories import access


@dataclass(frozen=True)
class FeedScope:
    premium: bool


def _story_line(story: StoryItem, *, premium: bool) -> str:
    line = (
        f"{story.headline} ({story.source_count} sources: {story.left_count} left, "
        f"{story.center_count} center, {story.right_count} right; {story.origin_count} "
        f"original report{'' if story.origin_count == 1 else 's'})"
    )
    if story.blindspot_reason:
        line += f" {story.blindspot_reason}."
    if premium:
        line += f" {story.factuality_sentence}"
        if story.factuality_breakdown:
            line += f" ({story.factuality_breakdown})"
        line += "."
    return line


class IssueFeed(Feed):
    title = "Newsdesk: daily briefings and blindspot reports"
    description = "Each newsletter issue as it was mailed: the stories and who covers them."
    # members.middleware signs an API token's owner in here, as for the story feeds.
    accepts_api_token = True
    accepts_query_token = True

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedScope:
        return FeedScope(premium=access.viewer_has_premium(request.user))

    def link(self) -> str:
        return reverse("briefing_list")

    def items(self, scope: FeedScope) -> list[tuple[Issue, FeedScope]]:
        return [(issue, scope) for issue in selectors.issue_list_for_feed()]

    def item_title(self, item: tuple[Issue, FeedScope]) -> str:
        return item[0].subject

    def item_link(self, item: tuple[Issue, FeedScope]) -> str:
        return item[0].get_absolute_url()

    def item_description(self, item: tuple[Issue, FeedScope]) -> str:
        issue, scope = item
        content = IssueContent.from_dict(issue.content)
        stories = (*content.stories, *content.left_blindspots, *content.right_blindspots)
        return " · ".join(_story_line(story, premium=scope.premium) for story in stories)

    def item_pubdate(self, item: tuple[Issue, FeedScope]) -> datetime:
        return item[0].built_at

    def item_guid(self, item: tuple[Issue, FeedScope]) -> str:
        return f"newsdesk-issue-{item[0].newsletter.kind}-{item[0].edition_date:%Y-%m-%d}"

    item_guid_is_permalink = False


class IssueAtomFeed(IssueFeed):
    feed_type = Atom1Feed
    subtitle = IssueFeed.description
