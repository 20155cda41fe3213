"""Merging stories and moving articles, by editors or by the merge pass; both stick."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from infra.fields import clip_to_field
from infra.locks import AdvisoryLock, advisory_xact_lock
from stories import clustering, headline
from stories.models import Article, Story, StoryTerm
from stories.services.index import DatabaseIndex, article_time, features_of, new_slug
from stories.services.refresh import queue_refresh


def stories_merge(*, into: Story, others: Sequence[Story], by_editor: bool) -> Story:
    """Fold ``others`` into ``into``: articles move, cluster state and terms combine.

    An editor's merge marks the surviving story ``merge_locked`` so automatic passes leave it
    alone; the absorbed stories keep ``merged_into`` and are never candidates again.
    """
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        ids = sorted({into.id, *(story.id for story in others)} - {None})
        locked = {story.id: story for story in Story.objects.select_for_update().filter(id__in=ids)}
        target = locked[into.id]
        state = (
            clustering.StoryState.from_json(target.id, target.cluster_state)
            if target.cluster_state
            else None
        )
        for story_id in ids:
            if story_id == target.id:
                continue
            absorbed = locked[story_id]
            Article.objects.filter(story=absorbed).update(story=target)
            if absorbed.cluster_state:
                other = clustering.StoryState.from_json(absorbed.id, absorbed.cluster_state)
                state = other if state is None else clustering.merge_states(state, other)
            for term, last_active in absorbed.terms.values_list("term", "last_active_at"):
                StoryTerm.objects.update_or_create(
                    story=target, term=term, defaults={"last_active_at": last_active}
                )
            absorbed.terms.all().delete()
            absorbed.merged_into = target
            absorbed.article_count = 0
            absorbed.refresh_requested_at = None
            absorbed.save(update_fields=["merged_into", "article_count", "refresh_requested_at"])
            Story.objects.filter(merged_into=absorbed).update(merged_into=target)
        if state is not None:
            target.cluster_state = replace(state, story_id=target.id).to_json()
        if by_editor:
            target.merge_locked = True
        target.save(update_fields=["cluster_state", "merge_locked"])
        queue_refresh([target.id])
    return target


def article_move(*, article: Article, to_story: Story | None, title: str = "") -> Story:
    """An editor moves ``article`` to ``to_story`` (or splits it into a new story).

    The article is ``story_locked`` (automatic passes leave it) and both stories become
    ``merge_locked`` so the merge pass does not undo the split.
    """
    with transaction.atomic():
        advisory_xact_lock(AdvisoryLock.CLUSTERING)
        article = Article.objects.select_for_update().get(id=article.id)
        old_story_id = article.story_id
        at = article_time(article)
        if to_story is None:
            to_story = Story.objects.create(
                slug=new_slug(title or article.title),
                headline=clip_to_field(
                    Story, "headline", headline.clean_title(title or article.title)
                ),
                first_seen_at=at,
                last_updated_at=at,
            )
        features = features_of(article)
        index = DatabaseIndex()
        vector = clustering.article_vector(
            features, index.document_frequencies(features.weights), index.document_count()
        )
        target = Story.objects.select_for_update().get(id=to_story.id)
        state = (
            clustering.add_member(
                clustering.StoryState.from_json(target.id, target.cluster_state),
                vector,
                at,
                features.embedding,
            )
            if target.cluster_state
            else clustering.new_story_state(target.id, vector, at, features.embedding)
        )
        target.cluster_state = state.to_json()
        target.merge_locked = True
        target.save(update_fields=["cluster_state", "merge_locked"])
        index.record_terms(target.id, clustering.unigram_terms(features), state.last_active_at)
        if old_story_id is not None:
            Story.objects.filter(id=old_story_id).update(merge_locked=True)
        article.story = target
        article.story_locked = True
        article.clustered_at = timezone.now()
        article.save(update_fields=["story", "story_locked", "clustered_at", "updated_at"])
        queue_refresh([target.id] + ([old_story_id] if old_story_id else []))
    return target
