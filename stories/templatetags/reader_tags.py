"""Template helpers for reader pages (thin wrappers over ``stories.reader``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from infra import media
from stories import reader
from stories.coverage import SIDE_TOTAL_LABELS
from stories.summarize import bullets_from_json

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """``text`` escaped, with the words that match a word of ``query`` in <mark> (the rule is
    ``reader.query_word_pattern``). Everything is escaped piece by piece, never after marking."""
    pattern = reader.query_word_pattern(query)
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[last : match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.filter
def relative(when: datetime | None, now: datetime) -> str:
    """``{{ article.published_at|relative:now }}`` → "3 hours ago"."""
    return reader.relative_time(when, now)


@register.filter
def chip_class(bias: str) -> str:
    return reader.bias_chip_class(bias)


@register.filter
def side_label(side: str) -> str:
    return reader.SIDE_LABELS.get(side, "Unrated")


@register.inclusion_tag("stories/_bias_bar.html")
def bias_bar(story: Any) -> dict[str, Any]:
    """The mini Left/Center/Right bar of a story card (SVG, labelled in text too)."""
    segments = reader.bar_segments(story.left_count, story.center_count, story.right_count)
    rated = sum(segment.count for segment in segments)
    # One outlet is not a spread of coverage: say "one source" rather than "Left 100%".
    single = next((segment for segment in segments if segment.count), None)
    return {
        "segments": segments,
        "rated": rated,
        "unrated": story.unrated_count,
        "single_source": story.source_count == 1,
        "single_side": single.label if single else "",
    }


@register.simple_tag
def query_with(request: Any, **changes: Any) -> str:
    """The current query string with ``changes`` applied (empty values removed)."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def side_total_label(side: str) -> str:
    """How a side counted as a whole is named ("left" -> "Leaning left")."""
    return SIDE_TOTAL_LABELS.get(side, "")


@register.filter
def web_url(url: str | None) -> str:
    """Only absolute http(s) addresses survive: ``<a href="{{ url|web_url }}">``."""
    return reader.web_url(url)


@register.simple_tag
def article_href(row: reader.ArticleRow) -> str:
    """Where an article title links: the outbound redirect, which records reading for
    signed-in members; nothing when the article has no web address."""
    if not reader.web_url(row.url):
        return ""
    return reverse("outbound", kwargs={"article_id": row.id})


@register.simple_tag
def upgrade_url() -> str:
    """The members' upgrade page."""
    return reverse("upgrade")


@register.filter
def bullets(summary: Any) -> list[dict[str, Any]]:
    """``Story.summary`` in either stored shape as {"text", "sources", "other_figures"}."""
    return bullets_from_json(summary)


@register.filter
def first_bullet(summary: Any) -> str:
    """The first bullet's sentence ("" when there is none): the page's meta description."""
    found = bullets_from_json(summary)
    return found[0]["text"] if found else ""


@register.simple_tag
def source_href(source: dict[str, Any]) -> str:
    """Where a bullet's outlet name links: like :func:`article_href`, for a stored source."""
    url = reader.web_url(str(source.get("url") or ""))
    article_id = source.get("article_id")
    if not url or not isinstance(article_id, int):
        return ""
    return reverse("outbound", kwargs={"article_id": article_id})


@register.simple_tag
def picture(key: str, rendition: str, css_class: str, *, lazy: bool = True) -> SafeString:
    """``{% picture story.image "card" "card-image" %}``: the stored picture as an <img>, or
    nothing when ``key`` is no stored picture.

    Decorative (empty alt): the headline or title beside it says what it shows, and a stored
    copy of an outlet's photo comes without a caption we could trust as a description.
    """
    url = media.image_url(key, rendition)
    if not url:
        return mark_safe("")
    width, height = media.RENDITIONS[rendition]
    return format_html(
        '<img class="{}" src="{}" alt="" width="{}" height="{}"{} decoding="async">',
        css_class,
        url,
        width,
        height,
        mark_safe(' loading="lazy"') if lazy else "",
    )


@register.simple_tag
def outlet_icon(key: str, name: str) -> SafeString:
    """The outlet's stored icon, or a neutral badge with its initial when it has none.

    Decorative either way (the outlet's name stands beside it): an empty alt, or hidden from
    assistive technology, so a screen reader does not read the name twice.
    """
    if url := media.icon_url(key):
        return format_html(
            '<img class="favicon" src="{}" alt="" width="16" height="16" loading="lazy">', url
        )
    initial = next((ch for ch in name if ch.isalnum()), "?").upper()
    return format_html('<span class="favicon favicon-letter" aria-hidden="true">{}</span>', initial)
