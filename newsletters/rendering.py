"""An issue as mail: subject, plain text and HTML with its CSS inlined, from Django templates.

An issue is rendered once per variant (premium or not) and the per-member bits are put in
afterwards: the unsubscribe token, and in the daily briefing the member's "From what you
follow". That section is assembled from pieces a ``FollowingRenderer`` renders once per story
and variant (a batch's members mostly share the day's few followed stories), with the names
of what brought each story in put in by string replacement: sending costs string joins per
message, not a template render or a CSS inlining.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from newsletters.content import FollowedStory, IssueContent, MemberFollows
from newsletters.models import Issue

# Stands for a member's unsubscribe token until ``RenderedIssue.for_member`` puts it in. Plain
# letters and dashes: HTML escaping and the inliner leave it as it is.
TOKEN_MARKER = "nd-member-unsubscribe-token"  # noqa: S105 (a placeholder, not a secret)
# Where a member's "From what you follow" goes, and, in a story of it, the names of the
# followed topics and sources that brought it in (same alphabet, same reason).
FOLLOWING_MARKER = "nd-member-following-section"
BECAUSE_MARKER = "nd-member-because"


def site_url(path: str) -> str:
    """``path`` on the site, absolute (mail has no request to take the host from)."""
    return settings.NEWSLETTERS_SITE_URL.rstrip("/") + path


def unsubscribe_url(token: str) -> str:
    return site_url(reverse("newsletter_unsubscribe", kwargs={"token": token}))


def story_url(slug: str) -> str:
    return site_url(reverse("story_detail", kwargs={"slug": slug}))


@cache
def _inliner() -> css_inline.CSSInliner:
    # The <style> block becomes style attributes (what mail clients keep) and is dropped.
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@cache
def _mail_css() -> str:
    """The issue's stylesheet, for the pieces rendered outside it (the following section)."""
    return render_to_string("newsletters/email/_styles.css")


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    text: str
    html: str
    list_id: str

    def for_member(self, token: str, following: tuple[str, str] = ("", "")) -> tuple[str, str]:
        """The text and HTML bodies with ``token``'s unsubscribe link and the member's
        ``following`` section (text, HTML; none by default)."""
        text = self.text.replace(FOLLOWING_MARKER, following[0])
        html = self.html.replace(FOLLOWING_MARKER, following[1])
        return text.replace(TOKEN_MARKER, token), html.replace(TOKEN_MARKER, token)


class FollowingRenderer:
    """Renders members' "From what you follow" sections (text, HTML) for one issue.

    Each piece is rendered and its CSS inlined once per renderer (a story once per variant),
    then joined per member; keep one renderer per batch.
    """

    def __init__(self) -> None:
        self._urls = {"for_you_url": site_url(reverse("for_you"))}
        self._pieces: dict[tuple[str, ...], tuple[str, str]] = {}
        self._stories: dict[tuple[str, bool], tuple[str, str]] = {}

    def _render(self, name: str, context: dict[str, Any]) -> tuple[str, str]:
        text = render_to_string(f"newsletters/email/{name}.txt", context)
        html = css_inline.inline_fragment(
            render_to_string(f"newsletters/email/{name}.html", context), _mail_css()
        )
        return text, html

    def _piece(self, name: str, state: str = "") -> tuple[str, str]:
        key = (name, state)
        if key not in self._pieces:
            self._pieces[key] = self._render(name, {**self._urls, "state": state})
        return self._pieces[key]

    def _story(self, followed: FollowedStory, *, premium: bool) -> tuple[str, str]:
        key = (followed.story.slug, premium)
        if key not in self._stories:
            self._stories[key] = self._render(
                "_following_story",
                {
                    "story": followed.story,
                    "premium": premium,
                    "because": BECAUSE_MARKER,
                    "story_urls": {followed.story.slug: story_url(followed.story.slug)},
                },
            )
        text, html = self._stories[key]
        because = followed.because_text
        return text.replace(BECAUSE_MARKER, because), html.replace(BECAUSE_MARKER, escape(because))

    def section(
        self, follows: MemberFollows, picked: tuple[FollowedStory, ...], *, premium: bool
    ) -> tuple[str, str]:
        """The section of a member with ``follows`` and the stories ``picked`` for them: the
        stories under a heading; a line saying none came today; or, for a member who
        follows nothing, one line inviting them to."""
        if not follows.follows_something:
            return self._piece("_following_end", "invite")
        parts = [self._piece("_following_head")]
        parts.extend(self._story(followed, premium=premium) for followed in picked)
        parts.append(self._piece("_following_end", "picked" if picked else "nothing"))
        return "".join(text for text, _ in parts), "".join(html for _, html in parts)


def render_issue(issue: Issue, *, premium: bool) -> RenderedIssue:
    """``issue`` for a reader with or without premium (factuality only with it)."""
    content = IssueContent.from_dict(issue.content)
    context = {
        "content": content,
        "issue": issue,
        "newsletter": issue.newsletter,
        "premium": premium,
        "site_url": site_url(""),
        "issue_url": site_url(issue.get_absolute_url()),
        "preferences_url": site_url(reverse("newsletter_preferences")),
        "upgrade_url": site_url(reverse("upgrade")),
        "unsubscribe_url": unsubscribe_url(TOKEN_MARKER),
        "following_marker": FOLLOWING_MARKER,
        "story_urls": {
            story.slug: story_url(story.slug)
            for story in (*content.stories, *content.left_blindspots, *content.right_blindspots)
        },
    }
    text = render_to_string("newsletters/email/issue.txt", context)
    html = _inliner().inline(render_to_string("newsletters/email/issue.html", context))
    host = settings.NEWSLETTERS_SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return RenderedIssue(
        subject=issue.subject,
        text=text,
        html=html,
        list_id=f"{issue.newsletter.name} <{issue.newsletter.kind}.newsletters.{host}>",
    )
