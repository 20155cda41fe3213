"""Placing articles in stories, under the clustering lock."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from infra.fields import clip_to_field
from infra.locks import AdvisoryLock, advisory_xact_lock
from infra.tasks import enqueue_on_commit
from stories import clustering, embeddings
from stories.models import Article, ArticleStatus, Story
from stories.services.editorial import stories_merge
from stories.services.index import DatabaseIndex, features_of, new_slug, opening_headline
from stories.services.parameters import cluster_params

logger = logging.getLogger(__name__)


# A story's refresh runs this long after the first article that asked for it: the articles
# joining it meanwhile (a burst of outlets on one event) are refreshed together, once.
REFRESH_DEBOUNCE_SECONDS = 5

# Articles in these statuses are done with extraction and wait for a story.
CLUSTERABLE_STATUSES = (ArticleStatus.EXTRACTED, ArticleStatus.FEED_ONLY)

# At most this many articles placed under one hold of the clustering lock (one transaction,
# one commit). Placement is serial for the whole fleet, so what it costs per article beyond
# its own queries (taking the lock, the commit's flush to disk, about 3 ms) bounds the
# placements per second; a batch pays it once. Twenty keeps a batch's hold of the lock, and
# so any other placement's wait, near 100-200 ms (bench/scale.py: 5-10 ms per article).
PLACEMENT_BATCH = 20

# What features_of and opening_headline read: not the page's other columns.
_PLACEMENT_FIELDS = (
    "id",
    "title",
    "description",
    "text",
    "feed_summary",
    "published_at",
    "created_at",
    "updated_at",
    "embedding",
)


@dataclass(frozen=True)
class _Prepared:
    """What placement needs of an article, worked out before the lock."""

    article_id: int
    features: clustering.ArticleFeatures
    opening: str


def _prepare(article: Article) -> _Prepared:
    # The features and the opening headline read only the article, so they are worked out
    # before the lock: the time the lock is held bounds the placements per second of every
    # worker together (bench/scale.py).
    features = features_of(article)
    if not article.embedding and features.embedding is not None:
        # Kept, so a batch placing this article reads it instead of working it out again.
        article.embedding = embeddings.pack(features.embedding)
        Article.objects.filter(id=article.id).update(embedding=article.embedding)
    return _Prepared(article.id, features, opening_headline(article))


def article_cluster(*, article_id: int, queue_refresh: bool = False) -> int | None:
    """Place the article in a story (join or new); returns the story id.

    Idempotent: an article that already has a story keeps it. Runs under the clustering lock.
    Without ``queue_refresh``, call ``story_refresh`` for the returned story after the commit.
    With it, the refresh is queued ``REFRESH_DEBOUNCE_SECONDS`` after the commit when this
    placement opened the story's request for one (``refresh_requested_at`` was unset): a
    refresh already asked for has not locked the story row yet, so it will read this article.
    """
    params = cluster_params()
    unplaced = (
        Article.objects.filter(id=article_id, story__isnull=True).only(*_PLACEMENT_FIELDS).first()
    )
    if unplaced is None:
        return Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()
    prepared = _prepare(unplaced)
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        article = Article.objects.select_for_update().filter(id=article_id).only("story").first()
        if article is None:
            return None
        if article.story_id is not None:
            return article.story_id
        return _place_locked(
            prepared, params=params, now=timezone.now(), queue_refresh=queue_refresh
        )


def articles_cluster_waiting(*, article_id: int, limit: int = PLACEMENT_BATCH) -> int | None:
    """Place ``article_id`` and up to ``limit - 1`` other articles waiting for a story, under
    one hold of the clustering lock and in one transaction; returns ``article_id``'s story.

    The others are the articles stored earliest (``CLUSTERABLE_STATUSES``, no story, by
    ``updated_at`` then id) that no other transaction holds and whose own task has kept their
    embedding (when the model is installed); the batch is placed in that
    order, ``article_id`` among them, each exactly as :func:`article_cluster` would place it
    one after another (each placement reads what the ones before it wrote, in the same
    transaction). Their own tasks then find them placed and do nothing: an ``article_id``
    placed already places no others. Refreshes are queued as
    ``article_cluster(queue_refresh=True)`` queues them.
    """
    params = cluster_params()
    now = timezone.now()
    own = Article.objects.filter(id=article_id, story__isnull=True).only(*_PLACEMENT_FIELDS).first()
    if own is None:
        # Placed already, most often by an earlier task's batch: the articles still waiting
        # have tasks of their own, and draining them here would work out their features
        # again beside the task already doing so.
        return Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()
    prepared_own = _prepare(own)
    waiting = Article.objects.filter(
        story__isnull=True, status__in=CLUSTERABLE_STATUSES, updated_at__lte=now
    ).exclude(id=article_id)
    if embeddings.encoder() is not None:
        # Only articles whose own task has worked out their embedding: with several workers
        # draining one queue, the others would be embedded by each of them at once.
        waiting = waiting.exclude(embedding="")
    batch = sorted(
        [*waiting.order_by("updated_at", "id").only(*_PLACEMENT_FIELDS)[: max(0, limit - 1)], own],
        key=lambda article: (article.updated_at, article.id),
    )
    prepared = [prepared_own if article is own else _prepare(article) for article in batch]
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        # The others are skipped when another transaction holds them (a placement that read
        # them first, the lost-work sweep); this task's own article is waited for, as a single
        # placement waits for it.
        free = set(
            Article.objects.select_for_update(skip_locked=True)
            .filter(id__in=[item.article_id for item in prepared if item.article_id != article_id])
            .filter(story__isnull=True)
            .values_list("id", flat=True)
        )
        free |= set(
            Article.objects.select_for_update()
            .filter(id=article_id, story__isnull=True)
            .values_list("id", flat=True)
        )
        placed_at = timezone.now()
        story_id = None
        for item in prepared:
            if item.article_id in free:
                placed = _place_locked(item, params=params, now=placed_at, queue_refresh=True)
                if item.article_id == article_id:
                    story_id = placed
    if story_id is not None:
        return story_id
    return Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()


def _place_locked(
    prepared: _Prepared, *, params: clustering.ClusterParams, now: datetime, queue_refresh: bool
) -> int:
    """Place one article the caller holds (clustering lock and row lock); its story id."""
    features = prepared.features
    index = DatabaseIndex()
    placement = clustering.place_article(index, features, params=params)
    at = features.published_at
    if placement.story_id is None:
        story = Story.objects.create(
            slug=new_slug(prepared.opening),
            headline=clip_to_field(Story, "headline", prepared.opening),
            first_seen_at=at,
            last_updated_at=at,
            refresh_requested_at=now,
        )
        state = clustering.new_story_state(story.id, placement.vector, at, features.embedding)
    else:
        _absorb_bridged(placement)
        story = (
            Story.objects.select_for_update()
            .only("id", "cluster_state", "refresh_requested_at")
            .get(id=placement.story_id)
        )
        state = clustering.add_member(
            clustering.StoryState.from_json(story.id, story.cluster_state),
            placement.vector,
            at,
            features.embedding,
        )
    story.cluster_state = state.to_json()
    opened_request = placement.story_id is None or story.refresh_requested_at is None
    story.refresh_requested_at = story.refresh_requested_at or now
    story.save(update_fields=["cluster_state", "refresh_requested_at"])
    index.record_frequencies(features.weights)
    index.record_terms(story.id, clustering.unigram_terms(features), state.last_active_at)
    Article.objects.filter(id=prepared.article_id).update(
        story=story, clustered_at=now, updated_at=now
    )
    if queue_refresh and opened_request:
        from stories.tasks import story_refresh as story_refresh_task

        enqueue_on_commit(story_refresh_task, story.id, countdown=REFRESH_DEBOUNCE_SECONDS)
    logger.info(
        "article %s -> story %s (score %.3f, %s%s)",
        prepared.article_id,
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
