"""The operator view: is ingestion healthy, feed by feed?"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ingestion.queues import queue_backlog
from ingestion.selectors import article_status_counts, feed_list_health
from sources.models import FeedStatus
from stories.models import ArticleStatus


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
            "article_counts": {
                ArticleStatus(status).label: count
                for status, count in article_status_counts().items()
            },
            "backlog": queue_backlog(),
            # Embedded mode runs tasks inside the web process: there is no queue to measure.
            "tasks_in_process": settings.CELERY_TASK_ALWAYS_EAGER,
        },
    )
