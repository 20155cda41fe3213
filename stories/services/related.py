"""Related stories: what a story's page lists beside it besides the stories sharing its topics.

The decision is ``clustering.related_stories``; this module finds the candidates the way the
merge pass does (the stories sharing the story's heaviest terms, through the StoryTerm index)
and stores the story's own rows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from stories import clustering
from stories.models import RelatedStory, Story
from stories.services.index import candidate_story_ids
from stories.services.parameters import cluster_params

# What relatedness reads of a candidate's clustering state: its span and its mean meaning,
# not its members (the state's bulk).
_STATE_KEYS = ("first_active_at", "last_active_at", "embedding_sum", "embedded", "size")


def story_related_recompute(*, story_id: int) -> list[int]:
    """Replace the stories ``story_id`` relates to with what the clustering states say now;
    their ids, closest first.

    ``story_refresh`` calls it under the story's row lock, so two refreshes of one story never
    write its rows at once. The rows name other stories without a database constraint, and
    their states are only read, so no other story's lock is taken or waited for.
    """
    params = cluster_params()
    cluster_state = (
        Story.objects.filter(id=story_id, merged_into__isnull=True)
        .values_list("cluster_state", flat=True)
        .first()
    )
    related: list[tuple[int, float]] = []
    if cluster_state:
        state = clustering.StoryState.from_json(story_id, cluster_state)
        related = clustering.related_stories(
            state, _candidates(state, params=params), params=params
        )
    with transaction.atomic():
        RelatedStory.objects.filter(story_id=story_id).delete()
        RelatedStory.objects.bulk_create(
            [
                RelatedStory(story_id=story_id, other_id=other_id, meaning=meaning)
                for other_id, meaning in related
            ]
        )
    return [other_id for other_id, _ in related]


def _candidates(
    state: clustering.StoryState, *, params: clustering.ClusterParams
) -> list[clustering.StoryState]:
    """Live stories active within the window of ``state``'s articles that share one of its
    heaviest terms (as the merge pass looks them up), the ``params.max_candidates`` most
    recently active; with only the parts of their states relatedness reads."""
    terms = clustering.lookup_terms(state, 3 * params.query_terms)
    if not terms:
        return []
    story_ids = candidate_story_ids(
        terms,
        # Bounded on both sides: an old story refreshed today (an editor's change) looks among
        # the stories of its own days, not the newest ones sharing its words.
        active_since=state.active_since - params.window,
        active_until=state.last_active_at + params.window,
        # One more: the story itself is among them.
        limit=params.max_candidates + 1,
    )
    rows = (
        Story.objects.filter(id__in=story_ids)
        .order_by()
        .values_list("id", *(f"cluster_state__{key}" for key in _STATE_KEYS))
    )
    candidates = []
    for story_id, *values in rows:
        if story_id == state.story_id:
            continue
        partial: dict[str, Any] = {
            key: value for key, value in zip(_STATE_KEYS, values, strict=True) if value is not None
        }
        if "last_active_at" in partial:
            candidates.append(clustering.StoryState.from_json(story_id, partial))
    return candidates
