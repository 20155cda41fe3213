"""Retention: old articles drop their stored text, so the database grows with stories.

An article keeps its row (title, description, link, outlet, dates, fingerprints, story), so
its story keeps its membership and figures; only the page text and the feed's text go, which
nothing reads once the article is past the wire and clustering windows and its story has
stopped changing. The story's headline and summary, computed from those texts while they
existed, stay as they were (``story_refresh`` keeps them once a member's text is gone).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from stories.models import Article

# Articles changed per transaction: short row locks, bounded WAL per commit.
RETENTION_BATCH = 5000


def articles_drop_old_text(*, now: datetime, older_than_days: int | None = None) -> int:
    """Empty ``text`` and ``feed_summary`` of articles published (or, undated, stored) more
    than ``older_than_days`` (default ``ARTICLE_TEXT_RETENTION_DAYS``) ago whose story (if
    any) has been quiet as long; returns how many. Idempotent; rows a worker holds are left
    for the next run."""
    days = settings.ARTICLE_TEXT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = now - timedelta(days=days)
    old = Q(published_at__lt=cutoff) | Q(published_at__isnull=True, created_at__lt=cutoff)
    quiet = Q(story__isnull=True) | Q(story__last_updated_at__lt=cutoff)
    candidates = (
        Article.objects.filter(old, quiet, text_dropped_at__isnull=True)
        .exclude(text="", feed_summary="")
        .order_by("id")
    )
    dropped = 0
    last_id = 0
    while True:
        with transaction.atomic():
            ids = list(
                candidates.filter(id__gt=last_id)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("id", flat=True)[:RETENTION_BATCH]
            )
            if not ids:
                return dropped
            dropped += Article.objects.filter(id__in=ids).update(
                text="", feed_summary="", text_dropped_at=now
            )
        last_id = ids[-1]
