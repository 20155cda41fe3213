"""Related stories: another angle of an event that clustering keeps in a story of its own is
found beside it (``stories.clustering.related_stories``, ``story_related_recompute``; the
story page lists them: ``tests/pages/test_topic_pages.py``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stories.clustering import ClusterParams, related_stories
from stories.models import RelatedStory, Story
from stories.services import story_related_recompute
from tests.stories.related_texts import (
    APRIL_27,
    SOUTH_KOREA,
    STANDOFF,
    WAR_ROOM,
    state_of,
    stored_story,
)


def test_another_angle_of_the_event_is_related_and_the_same_weeks_other_news_is_not():
    standoff = state_of(1, STANDOFF, APRIL_27)
    war_room = state_of(2, WAR_ROOM, APRIL_27 + timedelta(hours=31))
    south_korea = state_of(3, SOUTH_KOREA, APRIL_27 - timedelta(hours=4))

    related = related_stories(standoff, [war_room, south_korea], params=ClusterParams())

    assert [story_id for story_id, _ in related] == [2]


def test_stories_further_apart_than_the_window_are_not_related():
    standoff = state_of(1, STANDOFF, APRIL_27)
    war_room = state_of(2, WAR_ROOM, APRIL_27 + timedelta(days=10))

    assert related_stories(standoff, [war_room], params=ClusterParams()) == []


@pytest.mark.django_db
def test_recomputing_replaces_a_storys_related_stories():
    now = timezone.now()
    standoff = stored_story(STANDOFF, now - timedelta(hours=40))
    war_room = stored_story(WAR_ROOM, now - timedelta(hours=9))
    story_related_recompute(story_id=war_room.id)
    Story.objects.filter(id=standoff.id).update(merged_into=war_room)

    assert story_related_recompute(story_id=war_room.id) == []
    assert not RelatedStory.objects.filter(story=war_room).exists()
