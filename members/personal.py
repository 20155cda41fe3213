"""A member's own front page and choices: For You, following and muting, saved stories, the
edition. Views parse, make one call, render.

Every choice is a plain form POST that redirects back (``next``), so it works without
JavaScript; ``static/js/follow.js`` sends the same form with ``Accept: application/json`` and
gets the new state back instead of a redirect. Anonymous readers get an invitation to sign up.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from infra.auth import signed_in_user
from members import reader_cache, selectors, services
from sources.models import Source
from stories import editions, page_cache, reader
from stories import selectors as story_selectors
from stories.models import Story, Topic
from stories.syndication import FEED_ITEMS, FeedScope, StoryFeed


def _member(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if user is None:
        raise PermissionDenied
    return user


def _switch_on(request: HttpRequest) -> bool:
    """The form's ``action``: "follow"/"mute"/"save" (on) or anything else (off)."""
    return request.POST.get("action", "") in {"follow", "mute", "save"}


def _answer(request: HttpRequest, *, fallback: str, state: dict[str, Any]) -> HttpResponse:
    """JSON for the script, else a redirect back to where the form was (``next``, if ours)."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(state)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


@require_POST
@login_required
def topic_follow(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug, hidden=False, merged_into=None)
    follow = _switch_on(request)
    services.topic_follow_set(user=_member(request), topic=topic, follow=follow)
    return _answer(request, fallback=topic.get_absolute_url(), state={"following": follow})


@require_POST
@login_required
def source_follow(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    follow = _switch_on(request)
    services.source_follow_set(user=_member(request), source=source, follow=follow)
    return _answer(request, fallback=source.get_absolute_url(), state={"following": follow})


@require_POST
@login_required
def source_mute(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    mute = _switch_on(request)
    services.source_mute_set(user=_member(request), source=source, mute=mute)
    return _answer(request, fallback=source.get_absolute_url(), state={"muted": mute})


@require_POST
@login_required
def story_save(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug, merged_into=None)
    saved = _switch_on(request)
    services.story_saved_set(user=_member(request), story=story, saved=saved)
    return _answer(request, fallback=story.get_absolute_url(), state={"saved": saved})


@never_cache
def for_you(request: HttpRequest) -> HttpResponse:
    """Stories from what the member follows, ranked like the home page; an invitation for
    anonymous readers."""
    user = signed_in_user(request)
    if user is None:
        return render(request, "members/for_you_invite.html")
    now = timezone.now()
    number = reader.parse_page(request.GET.get("page"))
    # Kept per reader until they follow or mute something, a front page candidate changes
    # (every story refresh does) or the 5-minute slot of relative times ends.
    signature = page_cache.rechecked("front-page-signature", story_selectors.front_page_signature)
    digest = page_cache.page_etag(
        user.pk,
        reader_cache.choices_version(user),
        number,
        page_cache.freshness_slot(now),
        signature,
    )
    key = page_cache.fragment_key("for-you", digest.strip('"'))

    def render_body() -> str:
        page_obj = selectors.story_list_for_you(user_id=user.pk, now=now, page=number)
        return render_to_string(
            "members/_for_you_body.html", {"page_obj": page_obj, "now": now}, request=request
        )

    body = page_cache.cached_fragment(key, render_body)
    return page_cache.framed_response(request, "members/for_you.html", body=body)


@never_cache
@login_required
def following(request: HttpRequest) -> HttpResponse:
    """What the member follows and mutes, each with its button."""
    lists = selectors.following_lists(user=_member(request))
    return render(request, "members/following.html", lists)


@never_cache
@login_required
def saved(request: HttpRequest) -> HttpResponse:
    stories = selectors.saved_stories(user_id=_member(request).pk)
    return render(request, "members/saved.html", {"stories": stories, "now": timezone.now()})


class SavedStoriesFeed(StoryFeed):
    """A member's saved stories; feed readers sign in with ``?token=`` (an API token)."""

    title = "Newsdesk: saved stories"

    def get_object(  # type: ignore[override]
        self, request: HttpRequest, *, premium: bool
    ) -> FeedScope:
        user = signed_in_user(request)
        if user is None:
            raise Http404("Sign in (or pass an API token) to read your saved stories")
        scope = super().get_object(request, premium=premium)
        return FeedScope(premium=scope.premium, upgrade_url=scope.upgrade_url, reader_id=user.pk)

    def feed_summary(self, scope: FeedScope) -> str:
        return "The stories you saved on Newsdesk, most recently saved first."

    def link(self) -> str:
        return reverse("saved_stories")

    def stories(self, scope: FeedScope) -> list[Story]:
        if scope.reader_id is None:  # get_object always sets it
            raise Http404("No reader")
        return selectors.saved_stories(user_id=scope.reader_id, limit=FEED_ITEMS)


@require_POST
def edition_choose(request: HttpRequest) -> HttpResponse:
    """Remember the reader's edition (profile for members, a cookie for everyone) and show it."""
    edition = editions.parse_edition(request.POST.get("edition"))
    if edition is None:
        raise Http404("No such edition")
    user = signed_in_user(request)
    if user is not None:
        services.edition_choose(user=user, edition=edition.code)
    response = redirect("edition_detail", code=edition.code)
    response.set_cookie(
        editions.EDITION_COOKIE,
        edition.code,
        max_age=editions.EDITION_COOKIE_SECONDS,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def edition_home(request: HttpRequest) -> HttpResponse:
    """The reader's edition: a member's saved choice, else the cookie, else International."""
    user = signed_in_user(request)
    code = reader_cache.reader_preferences(user_id=user.pk).edition if user is not None else ""
    edition = editions.edition_or_default(code or request.COOKIES.get(editions.EDITION_COOKIE))
    return redirect("edition_detail", code=edition.code)
