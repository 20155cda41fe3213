"""Reader pages. Views parse the request, call one selector and render.

Caching, for the story page and home:
* The body is rendered once per (story version, viewer tier, filters, 5-minute slot) and kept
  in the Django cache (Redis in services mode); anonymous readers get the whole page from
  the cache, signed-in readers the cached body inside a frame: on home and the editions the
  members' frame is kept per process (``page_cache.framed_response``), on story and topic
  pages it is rendered each time (it holds their Save and Follow buttons).
* The same parts make the ETag, so a story update or another tier gives a new ETag and a new
  entry, and a conditional request for an unchanged page is answered 304 without rendering
  (on the ETag only: a date alone cannot tell the tiers apart).
* The story version (home: a signature of the front page candidates) is read with one cheap
  query, reused in the process for ``RECHECK_SECONDS``; whole pages are also kept in the
  process (``LOCAL_CACHE``), so a busy page costs neither a query nor a Redis round trip.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from infra.demo import demo_mode_on
from sources import history, ratings
from sources.models import Rating, SourceChange
from sources.scales import BiasLabel, Rater
from stories import access, editions, page_cache, reader, search, selectors
from stories.services import blindspot_thresholds, cluster_params


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    number = reader.parse_page(request.GET.get("page"))
    tier = access.viewer_tier(request.user)
    signature = page_cache.rechecked("front-page-signature", selectors.front_page_signature)
    etag = page_cache.page_etag("home", number, tier, page_cache.freshness_slot(now), signature)

    def render_page(cached_body: page_cache.BodyCache) -> HttpResponse:
        def render_body() -> str:
            page_obj = selectors.story_list_front_page(now=now, page=number)
            context = {"page_obj": page_obj, "now": now}
            html = render_to_string("stories/_home_body.html", context)
            if page_obj.number == 1:
                sections = reader.home_sections(list(page_obj.paginator.object_list))
                context |= {"sections": sections, "editions": editions.EDITIONS.values()}
                html += render_to_string("stories/_home_sections.html", context)
            return html

        body = cached_body(render_body)
        return page_cache.framed_response(request, "stories/home.html", body=body)

    return page_cache.cached_response(
        request,
        name="home",
        etag=etag,
        last_modified=signature.last_updated_at,
        render_page=render_page,
    )


def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    side = reader.parse_side(request.GET.get("side"))
    sort = reader.parse_sort(request.GET.get("sort"))
    premium = access.viewer_has_premium(request.user)
    tier = access.viewer_tier(request.user)
    head = page_cache.rechecked(f"story-head:{slug}", lambda: selectors.story_head(slug=slug))
    if head is None:
        # Editors' merges keep old links working.
        if target := selectors.story_merged_into_slug(slug=slug):
            return redirect("story_detail", slug=target, permanent=True)
        raise Http404("No such story")
    slot = page_cache.freshness_slot(now)
    etag = page_cache.page_etag("story", head.id, head.version, tier, side, sort, slot)

    def render_page(cached_body: page_cache.BodyCache) -> HttpResponse:
        story = selectors.story_get_for_reader(slug=slug)
        if story is None:
            raise Http404("No such story")

        def render_body() -> str:
            page = selectors.story_page(story=story, side=side, sort=sort, premium=premium, now=now)
            return render_to_string(
                "stories/_story_body.html", {"page": page, "story": story, "now": now}
            )

        body = cached_body(render_body)
        return render(request, "stories/story_detail.html", {"story": story, "body": body})

    return page_cache.cached_response(
        request,
        name="story",
        etag=etag,
        last_modified=head.last_updated_at,
        render_page=render_page,
    )


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
    source_ratings = list(source.ratings.all())
    context = {
        "source": source,
        "premium": premium,
        "ratings": [_rating_row(rating) for rating in source_ratings],
        "bias_disagreement": source.bias_spread is not None
        and source.bias_spread >= ratings.DISAGREEMENT_THRESHOLD_POINTS,
        # Several raters, one of them our editors: their rating is the one shown.
        "editors_override": len(source_ratings) > 1
        and any(rating.rater == Rater.EDITOR for rating in source_ratings),
        "history": [_history_item(change, premium=premium) for change in source.changes.all()],
        "rated_by": reader.rater_names(source.rated_by),
        "stories": selectors.source_recent_stories(source_id=source.pk),
        "now": timezone.now(),
    }
    return render(request, "sources/source_detail.html", context)


def _rating_row(rating: Rating) -> dict[str, object]:
    bias, factuality = reader.published_labels(
        rating.rater, rating.bias_label, rating.factuality_label
    )
    return {
        "rating": rating,
        "credit": reader.RATER_CREDITS.get(rating.rater, {}),
        "bias": bias,
        "factuality": factuality,
    }


def _history_item(change: SourceChange, *, premium: bool) -> dict[str, object]:
    """One line of a source's history as ``premium`` or free readers see it."""
    if premium:
        return {
            "change": change,
            "about": reader.history_field_label(change.field),
            "old": change.old_value,
            "new": change.new_value,
            "reason": change.reason,
        }
    return {
        "change": change,
        "about": reader.history_field_label(change.field),
        "old": history.free_description(change.field, change.old_values),
        "new": history.free_description(change.field, change.new_values),
        "reason": change.reason
        if history.reason_is_free(change.field, change.old_values, change.new_values)
        else "",
    }


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: search.MAX_QUERY_CHARS]
    results = search.search_all(query=query)
    context = {"search_query": query, "results": results, "now": timezone.now()}
    return render(request, "stories/search.html", context)


def methodology(request: HttpRequest) -> HttpResponse:
    # The demo's invented rater is part of the method only where the demo is shown.
    shown_raters = {r for r in Rater.values if r != Rater.DEMO or demo_mode_on()}
    context = {
        "mapping_version": ratings.MAPPING_VERSION,
        "mapping_tables": reader.mapping_tables(
            row for row in ratings.MAPPING if row.rater in shown_raters
        ),
        "disagreement_points": ratings.DISAGREEMENT_THRESHOLD_POINTS,
        "ad_fontes_floors": [
            {"floor": floor, "label": reader.FACTUALITY_LABELS.get(label, label)}
            for floor, label in ratings.AD_FONTES_RELIABILITY_FLOORS
        ],
        "ad_fontes_step": ratings.AD_FONTES_BIAS_POINTS_PER_STEP,
        **_blindspot_thresholds(),
        "clustering": _clustering_constants(),
        "raters": [c for r, c in reader.RATER_CREDITS.items() if r in shown_raters],
        # The organisations named in the page's lead (our editors are named apart).
        "independent_raters": [c["name"] for c in reader.RATER_CREDITS.values() if c["url"]],
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
        "meaning_link": params.meaning_link,
        "same_day_meaning_link": f"{params.same_day_meaning_link:g}",
        "same_day_hours": f"{params.same_day_hours:g}",
    }


def article_reader(request: HttpRequest, article_id: int) -> HttpResponse:
    """The stored text of a demo article: its fictional outlet has no page on the web."""
    article = selectors.article_get_for_reader_view(article_id=article_id)
    if article is None:
        raise Http404("No stored text to show for this article")
    return render(
        request,
        "stories/article_reader.html",
        {"article": article, "paragraphs": reader.paragraphs(article.text or article.feed_summary)},
    )


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's page: its stories with their bias bars, coverage by side per day, its outlets.

    Cached like the home page: the ETag is made of the topic's head (its name and a summary
    of its stories' versions), so any refresh of one of its stories gives a new page.
    """
    now = timezone.now()
    head = page_cache.rechecked(f"topic-head:{slug}", lambda: selectors.topic_head(slug=slug))
    if head is None or head.hidden:
        raise Http404("No such topic")
    if head.merged_into_id is not None:
        # Editors' merges keep old links working.
        target = selectors.topic_slug_of(topic_id=head.merged_into_id)
        if target is None:
            raise Http404("No such topic")
        return redirect("topic_detail", slug=target, permanent=True)
    slot = page_cache.freshness_slot(now)
    etag = page_cache.page_etag(
        "topic", head.id, head.label, head.story_count, head.version_sum, head.id_sum, slot
    )

    def render_page(cached_body: page_cache.BodyCache) -> HttpResponse:
        def render_body() -> str:
            page = selectors.topic_page(topic_id=head.id)
            context = {"topic": head, "page": page, "now": now}
            return render_to_string("stories/_topic_body.html", context)

        body = cached_body(render_body)
        return render(request, "stories/topic_detail.html", {"topic": head, "body": body})

    return page_cache.cached_response(
        request,
        name="topic",
        etag=etag,
        last_modified=head.last_updated_at,
        render_page=render_page,
        frame_per_reader=True,  # the Follow button
    )


def edition_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An edition's front page: the home page's ranking over the edition's stories."""
    edition = editions.parse_edition(code)
    if edition is None:
        raise Http404("No such edition")
    now = timezone.now()
    number = reader.parse_page(request.GET.get("page"))
    signature = page_cache.rechecked("front-page-signature", selectors.front_page_signature)
    etag = page_cache.page_etag(
        "edition", edition.code, number, page_cache.freshness_slot(now), signature
    )

    def render_page(cached_body: page_cache.BodyCache) -> HttpResponse:
        def render_body() -> str:
            page_obj = selectors.story_list_edition(edition=edition, now=now, page=number)
            context = {
                "page_obj": page_obj,
                "now": now,
                "edition": edition,
                "editions": editions.EDITIONS.values(),
            }
            return render_to_string("stories/_edition_body.html", context)

        body = cached_body(render_body)
        context = {"edition": edition, "editions": editions.EDITIONS.values()}
        return page_cache.framed_response(
            request, "stories/edition.html", body=body, context=context, frame_parts=(edition.code,)
        )

    return page_cache.cached_response(
        request,
        name=f"edition-{edition.code}",
        etag=etag,
        last_modified=signature.last_updated_at,
        render_page=render_page,
    )
