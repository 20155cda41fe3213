"""The operator view: is ingestion healthy, feed by feed?"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ingestion.queues import queue_backlog
from ingestion.selectors import article_status_counts, feed_list_health
from sources.models import FeedStatus


@staff_member_required
def ops(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    feeds = feed_list_health(now=now)
    return render(
        request,
        "ingestion/ops.html",
        {
            "now": now,
            "feeds": feeds,
            "failing_count": sum(1 for f in feeds if f.feed.status == FeedStatus.FAILING),
            "article_counts": article_status_counts(),
            "backlog": queue_backlog(),
        },
    )
