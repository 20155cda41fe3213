"""Editors' admin actions on stories and articles."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from stories import services
from stories.models import Article, Story
from tests.factories import UserFactory
from tests.stories.factories import make_article

pytestmark = pytest.mark.django_db


def clustered(title: str, minutes: float = 0) -> Article:
    article = make_article(title, minutes=minutes)
    services.story_refresh(story_id=services.article_cluster(article_id=article.id))
    article.refresh_from_db()
    return article


def test_story_list_renders(admin_client):
    clustered("Sbarro files for Chapter 11 bankruptcy again")
    response = admin_client.get(reverse("admin:stories_story_changelist"))
    assert response.status_code == 200


def test_merge_action_folds_the_selected_stories_into_the_largest(admin_client):
    one = clustered("Sbarro files for Chapter 11 bankruptcy again")
    clustered("Sbarro pizza chain files for Chapter 11 bankruptcy again", minutes=1)
    other = clustered("Taylor Swift tops Billboard's list of music money makers", minutes=2)
    admin_client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "merge_selected", "_selected_action": [one.story_id, other.story_id]},
    )
    assert Story.objects.get(id=other.story_id).merged_into_id == one.story_id


def test_split_action_moves_articles_to_a_new_locked_story(admin_client):
    article = clustered("Sbarro files for Chapter 11 bankruptcy again")
    clustered("Sbarro files for Chapter 11 bankruptcy again", minutes=1)
    admin_client.post(
        reverse("admin:stories_article_changelist"),
        {"action": "split_into_new_story", "_selected_action": [article.id]},
    )
    moved = Article.objects.get(id=article.id)
    assert moved.story_locked and moved.story_id != article.story_id


def test_editing_a_headline_locks_it(admin_client):
    article = clustered("Sbarro files for Chapter 11 bankruptcy again")
    story = Story.objects.get(id=article.story_id)
    url = reverse("admin:stories_story_change", args=[story.id])
    admin_client.post(
        url,
        {
            "slug": story.slug,
            "headline": "Sbarro is bankrupt again",
            "summary": "[]",
            "side_headlines": "{}",
        },
    )
    story.refresh_from_db()
    assert (story.headline, story.headline_locked) == ("Sbarro is bankrupt again", True)


def view_only_staff(client, *codenames: str) -> None:
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(staff)


def test_staff_who_may_only_view_stories_cannot_merge_them(client):
    view_only_staff(client, "view_story")
    one = clustered("Sbarro files for Chapter 11 bankruptcy again")
    other = clustered("Taylor Swift tops Billboard's list of music money makers", minutes=2)

    client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "merge_selected", "_selected_action": [one.story_id, other.story_id]},
    )

    assert Story.objects.filter(merged_into__isnull=False).count() == 0


def test_staff_who_may_only_view_stories_cannot_recompute_them(client, monkeypatch):
    view_only_staff(client, "view_story")
    story_id = clustered("Sbarro files for Chapter 11 bankruptcy again").story_id
    refreshed = []
    monkeypatch.setattr(services, "story_refresh", lambda *, story_id: refreshed.append(story_id))

    client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "refresh_selected", "_selected_action": [story_id]},
    )

    assert refreshed == []


def test_staff_who_may_only_view_articles_cannot_split_them(client):
    view_only_staff(client, "view_article")
    article = clustered("Sbarro files for Chapter 11 bankruptcy again")
    clustered("Sbarro files for Chapter 11 bankruptcy again", minutes=1)

    client.post(
        reverse("admin:stories_article_changelist"),
        {"action": "split_into_new_story", "_selected_action": [article.id]},
    )

    assert Article.objects.get(id=article.id).story_id == article.story_id


def test_the_merge_topics_action_folds_the_selected_into_the_one_with_most_stories(admin_client):
    from stories.models import StoryTopic, Topic, TopicKind
    from tests.factories import StoryFactory

    big = Topic.objects.create(kind=TopicKind.PERSON, slug="marco-rubio", name="Marco Rubio")
    small = Topic.objects.create(kind=TopicKind.PERSON, slug="rubio", name="Rubio")
    for topic in (big, big, small):
        story = StoryFactory()
        StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)

    admin_client.post(
        reverse("admin:stories_topic_changelist"),
        {"action": "merge_selected", "_selected_action": [big.pk, small.pk]},
    )

    assert Topic.objects.get(pk=small.pk).merged_into_id == big.pk
    assert StoryTopic.objects.filter(topic=big).count() == 3


def test_hiding_a_topic_in_the_admin_takes_it_off_its_stories(admin_client):
    from stories.models import StoryTopic, Topic, TopicKind
    from tests.factories import StoryFactory

    topic = Topic.objects.create(kind=TopicKind.PLACE, slug="peru", name="Peru")
    story = StoryFactory(topic_links=[{"slug": "peru", "name": "Peru", "kind": "place"}])
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)

    admin_client.post(
        reverse("admin:stories_topic_changelist"),
        {"action": "hide_selected", "_selected_action": [topic.pk]},
    )

    story.refresh_from_db()
    assert story.topic_links == []


def test_an_editor_merges_a_topic_from_its_change_form_and_its_stories_follow(admin_client):
    from stories.models import StoryTopic, Topic, TopicKind
    from tests.factories import StoryFactory

    into = Topic.objects.create(kind=TopicKind.PERSON, slug="marco-rubio", name="Marco Rubio")
    absorbed = Topic.objects.create(kind=TopicKind.PERSON, slug="rubio", name="Rubio")
    story = StoryFactory(topic_links=[{"slug": "rubio", "name": "Rubio", "kind": "person"}])
    StoryTopic.objects.create(story=story, topic=absorbed, last_updated_at=story.last_updated_at)

    admin_client.post(
        reverse("admin:stories_topic_change", args=[absorbed.pk]),
        {"display_name": "", "merged_into": into.pk},
    )

    story.refresh_from_db()
    assert Topic.objects.get(pk=absorbed.pk).merged_into_id == into.pk
    assert story.topic_links == [{"slug": "marco-rubio", "name": "Marco Rubio", "kind": "person"}]


def test_an_editors_new_name_for_a_topic_reaches_its_stories(admin_client):
    from stories.models import StoryTopic, Topic, TopicKind
    from tests.factories import StoryFactory

    topic = Topic.objects.create(kind=TopicKind.PLACE, slug="palestinian-territory", name="x")
    story = StoryFactory()
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)

    admin_client.post(
        reverse("admin:stories_topic_change", args=[topic.pk]),
        {"display_name": "Palestinian Territories", "merged_into": ""},
    )

    story.refresh_from_db()
    assert story.topic_links[0]["name"] == "Palestinian Territories"
