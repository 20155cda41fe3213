"""Template helpers for issues (mail and web)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from newsletters.content import StoryItem

register = template.Library()


@register.filter
def bar_text(story: StoryItem) -> str:
    """The bias bar in words, for the plain-text part: "Left 25% | Center 42% | Right 33%"."""
    if not story.segments:
        return "No rated sources yet"
    return " | ".join(f"{segment.label} {segment.share}%" for segment in story.sides)


@register.simple_tag
def story_link(urls: Mapping[str, str], story: StoryItem) -> str:
    return urls.get(story.slug, "")
