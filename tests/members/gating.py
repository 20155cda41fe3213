"""What the no-leak tests share: a world with gated values we control, and the personas."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from members.models import ReadEvent, SavedStory
from sources.models import Rating, Source
from sources.scales import Rater
from stories.models import Article, Story, StoryTopic, Topic, TopicKind
from tests.factories import RatingFactory, story_with_articles
from tests.members.factories import MembershipFactory, StaffFactory, UserFactory

# Counts no real page would show by chance: if one of them is in a response, a gated figure
# of the story below reached that reader. Five digits, so that no row id of a test session
# (an article id in the API, a /go/<id>/ link) can be mistaken for one.
FACTUALITY_COUNTS = {"very_high": 41617, "mixed": 52829}
OWNERSHIP_COUNTS = {"media_conglomerate": 63743, "non_profit": 74571}
OWNER_NAME = "Marrowgate Press Trust"
RATING_FACTUALITY = "Mostly Factual per audit Q7"


def _number(value: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.#-]){value}(?![\w.%-])")


GATED_VALUES: dict[str, list[re.Pattern[str]]] = {
    "story factuality counts": [_number(v) for v in FACTUALITY_COUNTS.values()],
    "story ownership counts": [_number(v) for v in OWNERSHIP_COUNTS.values()],
    "source owner name": [re.compile(re.escape(OWNER_NAME))],
    "source factuality as published": [re.compile(re.escape(RATING_FACTUALITY))],
}

PERSONAS = ("anonymous", "free", "premium", "expired premium", "staff")
PREMIUM_PERSONAS = ("premium", "staff")


def gated_values_in(text: str) -> set[str]:
    """The names of the gated values of which at least one occurs in ``text``."""
    return {
        name for name, patterns in GATED_VALUES.items() if any(p.search(text) for p in patterns)
    }


@dataclass
class GatedWorld:
    story: Story
    source: Source
    article: Article
    rating: Rating
    topic: Topic


def gated_world() -> GatedWorld:
    """A story (through the shared factories, figures computed, a right blindspot) whose gated
    figures are set to the marker counts, and one of its outlets with a marked owner and
    rating."""
    story = story_with_articles(4)
    story.figures = {
        **story.figures,
        "factuality": {**story.figures["factuality"], **FACTUALITY_COUNTS},
        "ownership": {**story.figures["ownership"], **OWNERSHIP_COUNTS},
    }
    # A blindspot too, so the blindspot feeds and page list it.
    story.blindspot = "right"
    story.version += 1
    story.save()
    article = story.articles.select_related("source").first()
    source = article.source
    source.owner_name = OWNER_NAME
    source.save()
    rating = RatingFactory(
        source=source, rater=Rater.MBFC, bias_label="center", factuality_label=RATING_FACTUALITY
    )
    # A topic of the story, so its page, feeds and API list it.
    topic = Topic.objects.create(kind=TopicKind.PLACE, slug="gated-place", name="Gated Place")
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)
    return GatedWorld(story=story, source=source, article=article, rating=rating, topic=topic)


def save_for(world: GatedWorld, user) -> None:
    """The reader saved the world's story, so their saved-stories feed lists it."""
    if user.is_authenticated:
        SavedStory.objects.get_or_create(user=user, story=world.story)


def persona_user(persona: str):
    now = timezone.now()
    if persona == "anonymous":
        return AnonymousUser()
    if persona == "free":
        return UserFactory()
    if persona == "premium":
        return MembershipFactory(valid_until=now + timedelta(days=30)).user
    if persona == "expired premium":
        return MembershipFactory(
            valid_from=now - timedelta(days=30), valid_until=now - timedelta(minutes=1)
        ).user
    if persona == "staff":
        return StaffFactory()
    raise ValueError(persona)


def log_in(client, user) -> None:
    if user.is_authenticated:
        client.force_login(user)


def read_event_for(user) -> ReadEvent | None:
    return ReadEvent.objects.filter(user=user).first() if user.is_authenticated else None
