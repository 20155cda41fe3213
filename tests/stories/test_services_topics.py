"""Topics recomputed with the story (story_refresh) and editors' changes to topics."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from stories.models import StorySurname, StoryTopic, Topic, TopicKind
from stories.services import story_refresh
from stories.services.topics import known_people, topic_update, topics_merge
from tests.factories import ArticleFactory, SourceFactory, StoryFactory

pytestmark = pytest.mark.django_db

RUBIO_LEADS = [
    "Secretary of State Marco Rubio arrived in Budapest to meet Hungary's leaders.",
    "Rubio said Hungary remained a close ally during his visit to Budapest.",
]


def story_about(leads: list[str], **fields):
    story = StoryFactory(**fields)
    for lead in leads:
        ArticleFactory(story=story, source=SourceFactory(), title="Visit", description=lead)
    story_refresh(story_id=story.pk)
    story.refresh_from_db()
    return story


def test_refreshing_a_story_links_it_to_the_people_and_places_its_articles_name():
    story = story_about(RUBIO_LEADS)

    linked = set(StoryTopic.objects.filter(story=story).values_list("topic__slug", flat=True))
    assert {"marco-rubio", "hungary", "budapest"} <= linked
    assert {"slug": "marco-rubio", "name": "Marco Rubio", "kind": "person"} in story.topic_links


def test_a_topic_the_articles_no_longer_name_is_unlinked_at_the_next_refresh():
    story = story_about(RUBIO_LEADS)
    story.articles.update(description="Officials met on Tuesday.", title="Meeting")

    story_refresh(story_id=story.pk)

    assert not StoryTopic.objects.filter(story=story, topic__slug="marco-rubio").exists()


def test_a_merged_topic_sends_new_stories_to_the_topic_that_absorbed_it():
    budapest = Topic.objects.create(kind=TopicKind.PLACE, slug="budapest", name="Budapest")
    hungary = Topic.objects.create(kind=TopicKind.PLACE, slug="hungary", name="Hungary")
    topics_merge(absorbed=budapest, into=hungary)

    story = story_about(RUBIO_LEADS)

    linked = set(StoryTopic.objects.filter(story=story).values_list("topic__slug", flat=True))
    assert "hungary" in linked
    assert "budapest" not in linked


def test_merging_topics_moves_their_stories_and_changes_the_story_version():
    story = story_about(RUBIO_LEADS)
    version = story.version
    budapest = Topic.objects.get(slug="budapest")

    topics_merge(absorbed=budapest, into=Topic.objects.get(slug="hungary"))

    story.refresh_from_db()
    assert story.version == version + 1
    assert "budapest" not in [link["slug"] for link in story.topic_links]
    assert StoryTopic.objects.filter(story=story, topic__slug="hungary").count() == 1


def test_a_hidden_topic_leaves_the_links_of_its_stories():
    story = story_about(RUBIO_LEADS)
    topic = Topic.objects.get(slug="marco-rubio")
    topic.hidden = True
    topic.save()

    topic_update(topic=topic)

    story.refresh_from_db()
    assert "marco-rubio" not in [link["slug"] for link in story.topic_links]


def test_an_editors_name_for_a_topic_is_the_name_its_stories_show():
    story = story_about(RUBIO_LEADS)
    topic = Topic.objects.get(slug="marco-rubio")
    topic.display_name = "Secretary Marco Rubio"
    topic.save()

    topic_update(topic=topic)

    story.refresh_from_db()
    assert {"slug": "marco-rubio", "name": "Secretary Marco Rubio", "kind": "person"} in (
        story.topic_links
    )


def test_a_person_found_by_a_refresh_is_stored_with_the_key_of_their_surname():
    story_about(RUBIO_LEADS)

    assert Topic.objects.get(slug="marco-rubio").surname_key == "rubio"


def test_a_story_that_names_a_known_person_by_surname_alone_is_linked_to_them():
    story_about(RUBIO_LEADS)

    story = story_about(["Rubio said the talks went well.", "Rubio said Geneva was next."])

    assert "marco-rubio" in [link["slug"] for link in story.topic_links]


def test_known_people_reads_only_the_people_of_the_surnames_asked(django_assert_num_queries):
    Topic.objects.create(
        kind=TopicKind.PERSON, slug="marco-rubio", name="Marco Rubio", surname_key="rubio"
    )
    Topic.objects.create(
        kind=TopicKind.PERSON, slug="viktor-orban", name="Viktor Orban", surname_key="orban"
    )

    with django_assert_num_queries(1):
        names = known_people(keys={"rubio"})

    assert names == ["Marco Rubio"]


def test_a_merged_person_is_known_as_the_person_that_absorbed_them():
    variant = Topic.objects.create(
        kind=TopicKind.PERSON,
        slug="volodymyr-zelenskiy",
        name="Volodymyr Zelenskiy",
        surname_key="zelenski",
    )
    person = Topic.objects.create(
        kind=TopicKind.PERSON,
        slug="volodymyr-zelensky",
        name="Volodymyr Zelensky",
        surname_key="zelenski",
    )
    topics_merge(absorbed=variant, into=person)

    assert known_people(keys={"zelenski"}) == ["Volodymyr Zelensky"]


def test_a_story_refreshed_before_a_person_became_known_is_linked_to_them_once_they_are(
    django_capture_on_commit_callbacks, eager_tasks
):
    """On the replayed feeds, stories that named someone by surname alone got them only when
    refreshed again after another story had made them known: the result hung on the order."""
    earlier = story_about(["Rubio said the talks went well.", "Rubio said Geneva was next."])
    assert "marco-rubio" not in [link["slug"] for link in earlier.topic_links]

    with django_capture_on_commit_callbacks(execute=True):
        story_about(RUBIO_LEADS)

    earlier.refresh_from_db()
    assert "marco-rubio" in [link["slug"] for link in earlier.topic_links]


def test_a_story_remembers_the_surnames_its_topics_were_read_with():
    story = story_about(RUBIO_LEADS)

    keys = StorySurname.objects.filter(story=story).values_list("surname_key", flat=True)
    assert "rubio" in set(keys)


def test_a_story_writing_the_family_name_first_is_linked_to_the_person_once_known(
    django_capture_on_commit_callbacks, eager_tasks
):
    """The Economist writes "Takaichi Sanae"; ABC News made "Sanae Takaichi" known later."""
    earlier = story_about(
        [
            "Takaichi Sanae becomes Japan's first female prime minister.",
            "Takaichi Sanae will move her country to the right.",
        ]
    )

    with django_capture_on_commit_callbacks(execute=True):
        story_about(["Japanese Prime Minister Sanae Takaichi won a landslide election."])

    earlier.refresh_from_db()
    assert "sanae-takaichi" in [link["slug"] for link in earlier.topic_links]


def test_a_story_past_text_retention_is_not_refreshed_when_a_person_becomes_known(
    django_capture_on_commit_callbacks, eager_tasks, settings
):
    """Its refresh would keep its topics anyway (retention may have dropped its text), so
    a common surname does not send the whole archive to the workers."""
    settings.ARTICLE_TEXT_RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        old = story_about(["Rubio said the talks went well.", "Rubio said Geneva was next."])
    recent = story_about(["Rubio said the vote was close.", "Rubio said more was to come."])

    with django_capture_on_commit_callbacks(execute=True):
        story_about(RUBIO_LEADS)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert "marco-rubio" in [link["slug"] for link in recent.topic_links]
    assert "marco-rubio" not in [link["slug"] for link in old.topic_links]
