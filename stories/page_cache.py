"""Reader pages cached whole and in fragments, with validators, keyed by tier and version.

Anonymous readers get whole pages from this process's memory or the shared cache; everyone
gets the page body from the shared cache, keyed by the page's ETag (story version, tier,
filters, freshness slot), so a stale copy is never served once the version check has seen an
update. Every response is ``Cache-Control: private, no-cache`` and varies on ``Cookie``: the
page depends on who is asking. Conditional requests are answered 304 on the ETag only; the
``Last-Modified`` sent is informative, and ``If-Modified-Since`` alone is not honoured (as in
``stories.syndication``). While Redis cannot be reached, pages are rendered from the database
uncached (and are not kept), instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe

from infra.cache import get_or_none, set_or_skip
from infra.demo import demo_mode_on

logger = logging.getLogger(__name__)

# Bump when a template change must not be served from fragments cached before a deploy.
FRAGMENT_SCHEMA = 6  # 2: the premium factuality chart; 3: figures schema 2; 4: panels first;
# 5: topics; 6: pictures, icons and the home page's lead story

T = TypeVar("T")

# Each process keeps its own copies in front of the shared cache, so a busy page costs no
# network round trip at all. Keys carry the story version and tier, so a stale copy is never
# served once the version check has seen the update; the size bound caps the memory
# (about 100 kB per story page).
LOCAL_CACHE = LocMemCache("newsdesk-reader-pages", {"OPTIONS": {"MAX_ENTRIES": 200}})
# Page bodies (the parts between the frame's header and footer), kept in each process in front
# of the shared cache as whole pages are: a signed-in reader's page is framed per request, but
# its body is the same for every reader of a tier (home) or for one reader until their choices
# or the front page change (For You), and its key says so. A bound of its own, so members'
# bodies never push the anonymous pages out: 300 bodies of 25-100 kB, at most ~30 MB a process.
LOCAL_BODY_CACHE = LocMemCache("newsdesk-page-bodies", {"OPTIONS": {"MAX_ENTRIES": 300}})
# A change a key cannot see (a member's choices changed while Redis was away, so their choices
# version could not move) shows in another process's copy after at most this long.
LOCAL_BODY_SECONDS = 60


def forget_local_copies() -> None:
    """Empty this process's copies (tests: as if the next request reached another process)."""
    LOCAL_CACHE.clear()
    LOCAL_BODY_CACHE.clear()


FRAGMENT_TIMEOUT_SECONDS = 600
# Relative times ("3 hours ago") in cached fragments are at most this old.
FRESHNESS_SLOT_SECONDS = 300
# A story's version (and the front page signature) is re-read from the database at most this
# often; in between, the copy in the cache decides. A story update shows within this delay,
# and a busy page costs no query at all (bench/pages.py).
RECHECK_SECONDS = 2


def freshness_slot(now: datetime) -> int:
    """Which ``FRESHNESS_SLOT_SECONDS`` slot ``now`` falls in: part of every page's ETag."""
    return int(now.timestamp()) // FRESHNESS_SLOT_SECONDS


def _shared_get(key: str) -> Any:
    """The kept copy, or None while Redis cannot be reached: a page is then rendered from the
    database as if it had never been cached."""
    return get_or_none(key, what="page cache")


def _shared_set(key: str, value: object) -> None:
    set_or_skip(key, value, FRAGMENT_TIMEOUT_SECONDS, what="page cache")


def _cached_fragment(key: str, render_fragment: Callable[[], str]) -> SafeString:
    html = LOCAL_BODY_CACHE.get(key)
    if html is None:
        html = _shared_get(key)
        if html is None:
            html = render_fragment()
            _shared_set(key, html)
        LOCAL_BODY_CACHE.set(key, html, LOCAL_BODY_SECONDS)
    # Our own template output, already escaped when it was rendered.
    return mark_safe(html)  # noqa: S308


def cached_fragment(key: str, render_fragment: Callable[[], str]) -> SafeString:
    """The fragment at ``key`` (from ``fragment_key``) from the shared cache, rendered on a
    miss: for pages cached per reader outside ``cached_response``."""
    return _cached_fragment(key, render_fragment)


def _not_modified(
    request: HttpRequest, *, etag: str, last_modified: datetime | None
) -> HttpResponse | None:
    # Only the ETag (which carries the tier) decides: the date is the same for every tier, so
    # an If-Modified-Since alone would tell a reader whose premium ended that their premium
    # copy is still current.
    answer = get_conditional_response(request, etag=etag)
    if answer is None:
        return None
    if isinstance(answer, HttpResponseNotModified):
        _validators(answer, etag=etag, last_modified=last_modified)
    return answer


def _validators(response: HttpResponse, *, etag: str, last_modified: datetime | None) -> None:
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # The page depends on who is asking (tier); shared caches must not mix readers.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def rechecked(name: str, read: Callable[[], T]) -> T:
    """``read()``, reused in this process for ``RECHECK_SECONDS``; None is never kept."""
    key = fragment_key(name)
    value = LOCAL_CACHE.get(key)
    if value is None:
        value = read()
        if value is not None and RECHECK_SECONDS:
            LOCAL_CACHE.set(key, value, RECHECK_SECONDS)
    return value


def _cached_page(request: HttpRequest, key: str) -> HttpResponse | None:
    """The whole cached page for an anonymous reader: this process's copy, else the shared one."""
    if request.user.is_authenticated:
        return None
    content = LOCAL_CACHE.get(key)
    if content is None:
        content = _shared_get(key)
        if content is not None:
            LOCAL_CACHE.set(key, content, FRAGMENT_TIMEOUT_SECONDS)
    return HttpResponse(content) if content is not None else None


def _keep_page(request: HttpRequest, key: str, response: HttpResponse) -> None:
    # Only anonymous pages: a signed-in reader's frame may carry their name or links.
    if not request.user.is_authenticated:
        LOCAL_CACHE.set(key, response.content, FRAGMENT_TIMEOUT_SECONDS)
        _shared_set(key, response.content)


def page_etag(*parts: object) -> str:
    """A strong ETag for a page rendered from ``parts`` (ids, versions, tier, filters)."""
    raw = ":".join(str(part) for part in (FRAGMENT_SCHEMA, *parts))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def fragment_key(name: str, *parts: object) -> str:
    return ":".join(str(part) for part in ("reader", FRAGMENT_SCHEMA, name, *parts))


# Given a function that renders the page body, the body from the cache (rendered on a miss).
BodyCache = Callable[[Callable[[], str]], SafeString]


def cached_response(
    request: HttpRequest,
    *,
    name: str,
    etag: str,
    last_modified: datetime | None,
    render_page: Callable[[BodyCache], HttpResponse],
    frame_per_reader: bool = False,
) -> HttpResponse:
    """The page ``name`` for ``request``: 304 when its ETag matches, else the whole cached
    page (anonymous readers), else ``render_page``, which gets the body through the fragment
    cache. The response carries the validators either way.

    ``frame_per_reader``: the frame shows a signed-in reader's own choices (a Follow button),
    which the ETag does not describe; such a reader's page is never answered 304 nor kept by
    the browser (the body still comes from the fragment cache).
    """
    personal = frame_per_reader and request.user.is_authenticated
    if not personal and (answer := _not_modified(request, etag=etag, last_modified=last_modified)):
        return answer
    page_key = fragment_key(f"{name}-page", etag)
    response = _cached_page(request, page_key)
    if response is None:
        response = render_page(
            lambda render_body: _cached_fragment(fragment_key(name, etag), render_body)
        )
        _keep_page(request, page_key, response)
    if personal:
        patch_cache_control(response, private=True, no_cache=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
    else:
        _validators(response, etag=etag, last_modified=last_modified)
    return response


# Where the body and the CSRF token go in a frame rendered once per process. Neither can come
# from a reader or a feed: the frame holds only template text.
_FRAME_BODY = mark_safe("<!--frame-body-->")
_FRAME_CSRF_TOKEN = "frame-csrf-token"  # noqa: S105 (a placeholder, not a secret)


def framed_response(
    request: HttpRequest,
    template_name: str,
    *,
    body: SafeString,
    context: dict[str, Any] | None = None,
    frame_parts: tuple[object, ...] = (),
) -> HttpResponse:
    """``template_name`` rendered around ``body``, as ``render`` would.

    For a signed-in reader the frame (header, navigation, footer) is rendered once per process
    and kept, with the body and the CSRF token put in per request: it is the same for every
    member. The template must therefore show a signed-in reader nothing but what ``context``
    holds, and ``frame_parts`` must name everything ``context`` varies with (an edition); the
    demo and ingestion notes are in the key. An anonymous reader's frame names the page they
    are on (the sign-in link's ``next``), so it is rendered each time (their whole page is
    cached by ``cached_response`` anyway).
    """
    context = context or {}
    if not request.user.is_authenticated:
        return render(request, template_name, {**context, "body": body})
    key = fragment_key(
        "frame",
        template_name,
        *frame_parts,
        demo_mode_on(),
        settings.INGESTION_RUNNING_IN_BACKGROUND,
    )
    frame = LOCAL_CACHE.get(key)
    if frame is None:
        html = render_to_string(
            template_name,
            {**context, "body": _FRAME_BODY, "csrf_token": _FRAME_CSRF_TOKEN},
            request=request,
        )
        frame = tuple(html.split(_FRAME_BODY))
        if len(frame) != 2:
            raise ImproperlyConfigured(f"{template_name} must show its body exactly once")
        LOCAL_CACHE.set(key, frame, FRAGMENT_TIMEOUT_SECONDS)
    token = get_token(request)
    before, after = (part.replace(_FRAME_CSRF_TOKEN, token) for part in frame)
    # The body is joined after the token is in, so nothing inside it is ever replaced.
    return HttpResponse(before + body + after)
