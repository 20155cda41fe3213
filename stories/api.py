"""Read-only JSON API: stories (list, detail with articles and figures) and sources.

Lists are paginated (``?page=``, ``PAGE_SIZE`` items). Premium figures (factuality and
ownership) appear only when ``stories.access`` says the caller has premium.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sources.models import Source
from sources.scales import BiasLabel
from stories import access, coverage, reader, selectors
from stories.models import Story
from stories.summarize import bullet_texts, bullets_from_json

PAGE_SIZE = 25


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _paginated(
    request: HttpRequest,
    queryset: QuerySet,
    item: Any,
    *,
    fields: dict[str, Any] | None = None,
    **extra: Any,
) -> JsonResponse:
    page = Paginator(queryset, PAGE_SIZE).get_page(reader.parse_page(request.GET.get("page")))

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        (fields or {})
        | {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [item(request, obj, **extra) for obj in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _story_summary(request: HttpRequest, story: Story) -> dict[str, Any]:
    return {
        "slug": story.slug,
        "url": request.build_absolute_uri(story.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api_story_detail", args=[story.slug])),
        "headline": story.headline,
        # The sentences alone, as before bullets had sources; "bullets" adds who said each.
        "summary": bullet_texts(story.summary),
        "bullets": bullets_from_json(story.summary),
        "article_count": story.article_count,
        "source_count": story.source_count,
        # Wire copies counted once: the "N original reports" beside the source count.
        "origin_count": story.origin_count,
        "sides": {
            "left": story.left_count,
            "center": story.center_count,
            "right": story.right_count,
            "unrated": story.unrated_count,
        },
        "bias_sentence": _sentence(story),
        "blindspot": story.blindspot,
        "first_seen_at": _iso(story.first_seen_at),
        "last_updated_at": _iso(story.last_updated_at),
        "version": story.version,
    }


def _sentence(story: Story) -> str:
    return coverage.sentence_from_counts(
        left=story.left_count,
        center=story.center_count,
        right=story.right_count,
        unrated=story.unrated_count,
    )


def _source_summary(request: HttpRequest, source: Source, *, premium: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": source.slug,
        "name": source.name,
        "url": request.build_absolute_uri(source.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api_source_detail", args=[source.slug])),
        "homepage": source.homepage,
        "domain": source.domain,
        "country": source.country,
        "bias": source.bias,
        "bias_label": source.get_bias_display(),
        "rated_by": [r for r in source.rated_by.split(",") if r],
        "raters_disagree": source.raters_disagree,
    }
    if premium:
        data |= {
            "factuality": source.factuality,
            "factuality_label": source.get_factuality_display(),
            "ownership_category": source.ownership_category,
            "owner_name": source.owner_name,
        }
    return data


@require_GET
def story_list(request: HttpRequest) -> JsonResponse:
    return _paginated(request, selectors.story_list_for_api(), _story_summary)


@require_GET
def story_detail(request: HttpRequest, slug: str) -> JsonResponse:
    story = selectors.story_get_for_reader(slug=slug)
    if story is None:
        raise Http404("No such story")
    premium = access.viewer_has_premium(request.user)
    rows = selectors.story_article_rows(story_id=story.pk)
    data = _story_summary(request, story) | {
        "side_headlines": story.side_headlines or {},
        "figures": access.public_figures(story.figures or {}, premium=premium),
        "articles": [
            {
                "id": row.id,
                "title": row.title,
                "url": reader.web_url(row.url) or None,
                "excerpt": row.excerpt,
                "published_at": _iso(row.published_at),
                "source": {"slug": row.source_slug, "name": row.source_name, "bias": row.bias}
                | ({"factuality": row.factuality} if premium else {}),
                "side": row.side,
                "wire_origin_id": row.wire_origin_id,
            }
            for row in rows
        ],
        "generated_at": timezone.now().isoformat(),
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def source_list(request: HttpRequest) -> JsonResponse:
    bias = request.GET.get("bias", "")
    sources = selectors.source_list_for_api(
        bias=bias if bias in BiasLabel.values else "",
        country=request.GET.get("country", "")[:2],
    )
    return _paginated(
        request, sources, _source_summary, premium=access.viewer_has_premium(request.user)
    )


@require_GET
def source_detail(request: HttpRequest, slug: str) -> JsonResponse:
    source = selectors.source_get_for_reader(slug=slug)
    if source is None:
        raise Http404("No such source")
    premium = access.viewer_has_premium(request.user)
    data = _source_summary(request, source, premium=premium)
    data["ratings"] = [
        {
            "rater": rating.rater,
            "rater_name": rating.get_rater_display(),
            "bias_label": rating.bias_label,
            "bias_score": float(rating.bias_score) if rating.bias_score is not None else None,
            "rated_on": _iso(rating.rated_on),
            "url": reader.web_url(rating.url) or None,
        }
        | (
            {
                "factuality_label": rating.factuality_label,
                "reliability_score": float(rating.reliability_score)
                if rating.reliability_score is not None
                else None,
            }
            if premium
            else {}
        )
        for rating in source.ratings.all()
    ]
    data["recent_stories"] = [
        _story_summary(request, story)
        for story in selectors.source_recent_stories(source_id=source.pk)
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def topic_detail(request: HttpRequest, slug: str) -> JsonResponse:
    """A topic and its stories, newest first, paginated like the story list."""
    topic = selectors.topic_get_live(slug=slug)
    if topic is None:
        raise Http404("No such topic")
    about = {
        "slug": topic.slug,
        "name": topic.label,
        "kind": topic.kind,
        "url": request.build_absolute_uri(topic.get_absolute_url()),
        "feeds": {
            "rss": request.build_absolute_uri(reverse("feed_topic_rss", args=[topic.slug])),
            "atom": request.build_absolute_uri(reverse("feed_topic_atom", args=[topic.slug])),
        },
    }
    stories = selectors.topic_stories_for_api(topic_id=topic.pk)
    return _paginated(request, stories, _story_summary, fields={"topic": about})
