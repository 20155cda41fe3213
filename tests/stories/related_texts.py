"""Real texts of one event split over two stories, and stories stored with their clustering
state, for the related-stories tests (``test_related``, the story page's)."""

from __future__ import annotations

from datetime import UTC, datetime

from stories.clustering import StoryState, article_features, embedding_of, new_story_state
from stories.models import Story
from stories.services.index import DatabaseIndex
from tests.factories import story_with_articles

# The Economist's feed, April 2025 (labelled: the first two are one event, the standoff after
# the Pahalgam attack; clustering keeps them apart, as no pair of them is linked).
STANDOFF = (
    "Tensions soar as India weighs how to hit Pakistan",
    "After the Kashmir attack, military action is possible but comes with huge risks",
)
WAR_ROOM = ("The War Room: Is an India-Pakistan war coming?", "")
SOUTH_KOREA = (
    "Trump, trade and troops: South Korea\u2019s nightmare",
    "Amid the tariff war, an interview with the acting president",
)
APRIL_27 = datetime(2025, 4, 27, 13, 58, tzinfo=UTC)


def state_of(story_id: int, text: tuple[str, str], at: datetime) -> StoryState:
    title, lead = text
    features = article_features(story_id, title, at, lead=lead)
    return new_story_state(story_id, dict(features.weights), at, embedding_of(title, lead))


def stored_story(text: tuple[str, str], at: datetime) -> Story:
    """A story whose clustering state and index rows are those of one article of ``text``."""
    story = story_with_articles(2, headline=text[0], start=at)
    state = state_of(story.id, text, at)
    Story.objects.filter(id=story.id).update(cluster_state=state.to_json())
    DatabaseIndex().record_terms(story.id, state.centroid, at)
    return story
