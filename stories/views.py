"""Reader pages. Views parse the request, call one selector and render.

Caching, for the story page and home:
* The body is rendered once per (story version, viewer tier, filters, 5-minute slot) and kept
  in the Django cache (Redis in services mode); anonymous readers get the whole page from
  the cache, signed-in readers the cached body inside a freshly rendered frame.
* The same parts make the ETag, so a story update or another tier gives a new ETag and a new
  entry, and a conditional request for an unchanged page is answered 304 without rendering.
* The story version (home: a signature of the front page candidates) is read with one cheap
  query, reused in the process for ``RECHECK_SECONDS``; whole pages are also kept in the
  process (``LOCAL_CACHE``), so a busy page costs neither a query nor a Redis round trip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe

from sources import history, ratings
from sources.scales import BiasLabel
from stories import access, reader, search, selectors
from stories.services import blindspot_thresholds, cluster_params

T = TypeVar("T")

# Each process keeps its own copies in front of the shared cache, so a busy page costs no
# network round trip at all. Keys carry the story version and tier, so a stale copy is never
# served once the version check has seen the update; the size bound caps the memory
# (about 100 kB per story page).
LOCAL_CACHE = LocMemCache("newsdesk-reader-pages", {"OPTIONS": {"MAX_ENTRIES": 200}})

FRAGMENT_TIMEOUT_SECONDS = 600
# Relative times ("3 hours ago") in cached fragments are at most this old.
FRESHNESS_SLOT_SECONDS = 300
# A story's version (and the front page signature) is re-read from the database at most this
# often; in between, the copy in the cache decides. A story update shows within this delay,
# and a busy page costs no query at all (bench/pages.py).
RECHECK_SECONDS = 2


def _slot(now: datetime) -> int:
    return int(now.timestamp()) // FRESHNESS_SLOT_SECONDS


def _cached_fragment(key: str, render_fragment: Callable[[], str]) -> SafeString:
    html = cache.get(key)
    if html is None:
        html = render_fragment()
        cache.set(key, html, FRAGMENT_TIMEOUT_SECONDS)
    # Our own template output, already escaped when it was rendered.
    return mark_safe(html)  # noqa: S308


def _not_modified(
    request: HttpRequest, *, etag: str, last_modified: datetime | None
) -> HttpResponse | None:
    stamp = int(last_modified.timestamp()) if last_modified else None
    answer = get_conditional_response(request, etag=etag, last_modified=stamp)
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


def _rechecked(name: str, read: Callable[[], T]) -> T:
    """``read()``, reused in this process for ``RECHECK_SECONDS``; None is never kept."""
    key = reader.fragment_key(name)
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
        content = cache.get(key)
        if content is not None:
            LOCAL_CACHE.set(key, content, FRAGMENT_TIMEOUT_SECONDS)
    return HttpResponse(content) if content is not None else None


def _keep_page(request: HttpRequest, key: str, response: HttpResponse) -> None:
    # Only anonymous pages: a signed-in reader's frame may carry their name or links.
    if not request.user.is_authenticated:
        LOCAL_CACHE.set(key, response.content, FRAGMENT_TIMEOUT_SECONDS)
        cache.set(key, response.content, FRAGMENT_TIMEOUT_SECONDS)


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    number = reader.parse_page(request.GET.get("page"))
    tier = access.viewer_tier(request.user)
    signature = _rechecked("front-page-signature", selectors.front_page_signature)
    etag = reader.page_etag("home", number, tier, _slot(now), signature)
    last_modified = signature.last_updated_at
    if answer := _not_modified(request, etag=etag, last_modified=last_modified):
        return answer
    page_key = reader.fragment_key("home-page", etag)
    response = _cached_page(request, page_key)
    if response is None:
        page_obj = selectors.story_list_front_page(now=now, page=number)
        body = _cached_fragment(
            reader.fragment_key("home", etag),
            lambda: render_to_string("stories/_home_body.html", {"page_obj": page_obj, "now": now}),
        )
        response = render(request, "stories/home.html", {"body": body})
        _keep_page(request, page_key, response)
    _validators(response, etag=etag, last_modified=last_modified)
    return response


def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    side = reader.parse_side(request.GET.get("side"))
    sort = reader.parse_sort(request.GET.get("sort"))
    premium = access.viewer_has_premium(request.user)
    tier = access.viewer_tier(request.user)
    head = _rechecked(f"story-head:{slug}", lambda: selectors.story_head(slug=slug))
    if head is None:
        # Editors' merges keep old links working.
        if target := selectors.story_merged_into_slug(slug=slug):
            return redirect("story_detail", slug=target, permanent=True)
        raise Http404("No such story")
    etag = reader.page_etag("story", head.id, head.version, tier, side, sort, _slot(now))
    if answer := _not_modified(request, etag=etag, last_modified=head.last_updated_at):
        return answer
    page_key = reader.fragment_key("story-page", etag)
    response = _cached_page(request, page_key)
    if response is None:
        story = selectors.story_get_for_reader(slug=slug)
        if story is None:
            raise Http404("No such story")

        def render_body() -> str:
            page = selectors.story_page(story=story, side=side, sort=sort, premium=premium, now=now)
            return render_to_string(
                "stories/_story_body.html", {"page": page, "story": story, "now": now}
            )

        body = _cached_fragment(reader.fragment_key("story", etag), render_body)
        response = render(request, "stories/story_detail.html", {"story": story, "body": body})
        _keep_page(request, page_key, response)
    _validators(response, etag=etag, last_modified=head.last_updated_at)
    return response


def blindspot(request: HttpRequest) -> HttpResponse:
    context = {
        "now": timezone.now(),
        "left": selectors.story_list_blindspots(side="left"),
        "right": selectors.story_list_blindspots(side="right"),
        **_blindspot_thresholds(),
    }
    return render(request, "stories/blindspot.html", context)


def source_list(request: HttpRequest) -> HttpResponse:
    bias = request.GET.get("bias", "")
    bias = bias if bias in BiasLabel.values else ""
    country = request.GET.get("country", "")[:2].upper()
    context = {
        "sources": selectors.source_list_directory(bias=bias, country=country),
        "countries": selectors.source_countries(),
        "bias_choices": BiasLabel.choices,
        "bias": bias,
        "country": country,
    }
    return render(request, "sources/source_list.html", context)


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = selectors.source_get_for_reader(slug=slug)
    if source is None:
        raise Http404("No such source")
    premium = access.viewer_has_premium(request.user)
    context = {
        "source": source,
        "premium": premium,
        "ratings": [
            {"rating": rating, "credit": reader.RATER_CREDITS.get(rating.rater, {})}
            for rating in source.ratings.all()
        ],
        "history": [
            {
                "change": change,
                "old": change.old_value
                if premium
                else history.free_description(change.field, change.old_values),
                "new": change.new_value
                if premium
                else history.free_description(change.field, change.new_values),
            }
            for change in source.changes.all()
        ],
        "rated_by": reader.rater_names(source.rated_by),
        "stories": selectors.source_recent_stories(source_id=source.pk),
        "now": timezone.now(),
    }
    return render(request, "sources/source_detail.html", context)


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: search.MAX_QUERY_CHARS]
    results = search.search_all(query=query)
    context = {"search_query": query, "results": results, "now": timezone.now()}
    return render(request, "stories/search.html", context)


def methodology(request: HttpRequest) -> HttpResponse:
    context = {
        "mapping_version": ratings.MAPPING_VERSION,
        "mapping_tables": reader.mapping_tables(ratings.MAPPING),
        "disagreement_points": ratings.DISAGREEMENT_THRESHOLD_POINTS,
        "ad_fontes_floors": [
            {"floor": floor, "label": reader.FACTUALITY_LABELS.get(label, label)}
            for floor, label in ratings.AD_FONTES_RELIABILITY_FLOORS
        ],
        "ad_fontes_step": ratings.AD_FONTES_BIAS_POINTS_PER_STEP,
        **_blindspot_thresholds(),
        "clustering": _clustering_constants(),
        "raters": reader.RATER_CREDITS.values(),
    }
    return render(request, "stories/methodology.html", context)


def _blindspot_thresholds() -> dict[str, int]:
    """The thresholds the stories service applies (settings, else coverage's defaults)."""
    params = blindspot_thresholds()
    return {
        "min_rated": params.min_rated_sources,
        "max_share": params.max_side_share,
        "min_side_articles": params.min_side_articles,
        "window_padding_hours": params.window_padding_hours,
    }


def _clustering_constants() -> dict[str, object]:
    """The clustering parameters in force (settings over the module's defaults)."""
    params = cluster_params()
    return {
        "cluster_window_hours": f"{params.window_hours:g}",
        "link_threshold": params.link_threshold,
    }
