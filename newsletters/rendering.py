"""An issue as mail: subject, plain text and HTML with its CSS inlined, from Django templates.

An issue is rendered once per variant (premium or not) and the few per-member bits are put in
afterwards: the unsubscribe token is the only thing that differs between two members of one
variant, so sending costs a string replacement per message, not a template render.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from newsletters.content import IssueContent
from newsletters.models import Issue

# Stands for a member's unsubscribe token until ``RenderedIssue.for_member`` puts it in. Plain
# letters and dashes: HTML escaping and the inliner leave it as it is.
TOKEN_MARKER = "nd-member-unsubscribe-token"  # noqa: S105 (a placeholder, not a secret)


def site_url(path: str) -> str:
    """``path`` on the site, absolute (mail has no request to take the host from)."""
    return settings.NEWSLETTERS_SITE_URL.rstrip("/") + path


def unsubscribe_url(token: str) -> str:
    return site_url(reverse("newsletter_unsubscribe", kwargs={"token": token}))


@cache
def _inliner() -> css_inline.CSSInliner:
    # The <style> block becomes style attributes (what mail clients keep) and is dropped.
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    text: str
    html: str
    list_id: str

    def for_member(self, token: str) -> tuple[str, str]:
        """The text and HTML bodies with ``token``'s unsubscribe link."""
        return self.text.replace(TOKEN_MARKER, token), self.html.replace(TOKEN_MARKER, token)


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
        "story_urls": {
            story.slug: site_url(reverse("story_detail", kwargs={"slug": story.slug}))
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
