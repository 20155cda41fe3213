"""Placing one article in a story, under the clustering lock."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from infra.fields import clip_to_field
from infra.locks import AdvisoryLock, advisory_xact_lock
from infra.tasks import enqueue_on_commit
from stories import clustering
from stories.models import Article, Story
from stories.services.editorial import stories_merge
from stories.services.index import DatabaseIndex, features_of, new_slug, opening_headline
from stories.services.parameters import cluster_params

logger = logging.getLogger(__name__)


# A story's refresh runs this long after the first article that asked for it: the articles
# joining it meanwhile (a burst of outlets on one event) are refreshed together, once.
REFRESH_DEBOUNCE_SECONDS = 5


def article_cluster(*, article_id: int, queue_refresh: bool = False) -> int | None:
    """Place the article in a story (join or new); returns the story id.

    Idempotent: an article that already has a story keeps it. Runs under the clustering lock.
    Without ``queue_refresh``, call ``story_refresh`` for the returned story after the commit.
    With it, the refresh is queued ``REFRESH_DEBOUNCE_SECONDS`` after the commit when this
    placement opened the story's request for one (``refresh_requested_at`` was unset): a
    refresh already asked for has not locked the story row yet, so it will read this article.
    """
    params = cluster_params()
    # The features and the opening headline read only the article, so they are worked out
    # before the lock: the time the lock is held bounds the placements per second of every
    # worker together (bench/scale.py).
    unplaced = Article.objects.filter(id=article_id, story__isnull=True).first()
    if unplaced is None:
        return Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()
    features = features_of(unplaced)
    opening = opening_headline(unplaced)
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        article = Article.objects.select_for_update().filter(id=article_id).only("story").first()
        if article is None:
            return None
        if article.story_id is not None:
            return article.story_id
        index = DatabaseIndex()
        placement = clustering.place_article(index, features, params=params)
        at = features.published_at
        now = timezone.now()
        if placement.story_id is None:
            story = Story.objects.create(
                slug=new_slug(opening),
                headline=clip_to_field(Story, "headline", opening),
                first_seen_at=at,
                last_updated_at=at,
                refresh_requested_at=now,
            )
            state = clustering.new_story_state(story.id, placement.vector, at)
        else:
            _absorb_bridged(placement)
            story = Story.objects.select_for_update().get(id=placement.story_id)
            state = clustering.add_member(
                clustering.StoryState.from_json(story.id, story.cluster_state),
                placement.vector,
                at,
            )
        story.cluster_state = state.to_json()
        opened_request = placement.story_id is None or story.refresh_requested_at is None
        story.refresh_requested_at = story.refresh_requested_at or now
        story.save(update_fields=["cluster_state", "refresh_requested_at"])
        index.record_frequencies(features.weights)
        index.record_terms(story.id, clustering.unigram_terms(features), state.last_active_at)
        article.story = story
        article.clustered_at = now
        article.save(update_fields=["story", "clustered_at", "updated_at"])
        if queue_refresh and opened_request:
            from stories.tasks import story_refresh as story_refresh_task

            enqueue_on_commit(story_refresh_task, story.id, countdown=REFRESH_DEBOUNCE_SECONDS)
        logger.info(
            "article %s -> story %s (score %.3f, %s%s)",
            article.id,
            story.id,
            placement.score,
            "joined" if placement.story_id else "new",
            f", bridged {list(placement.absorbed_ids)}" if placement.absorbed_ids else "",
        )
        return story.id


def _absorb_bridged(placement: clustering.Placement) -> None:
    """Fold the other stories the article links to into the one it joins: the article is
    the link that makes them one event. Stories an editor merged or split stay as they are."""
    if not placement.absorbed_ids or placement.story_id is None:
        return
    if Story.objects.filter(id=placement.story_id, merge_locked=True).exists():
        return
    others = list(Story.objects.filter(id__in=placement.absorbed_ids, merge_locked=False))
    if others:
        stories_merge(into=Story(id=placement.story_id), others=others, by_editor=False)
