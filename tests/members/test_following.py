"""Following topics and outlets, muting outlets, saved stories and For You (no JavaScript)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import SavedStory, SourceMute, TopicFollow
from members.services import api_token_create
from sources.scales import BiasLabel
from stories.models import Story, StoryTopic, Topic, TopicKind
from tests.factories import SourceFactory, story_with_articles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_page_caches(empty_page_cache, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with empty caches and re-reads the front page signature every time."""
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 0)


@pytest.fixture
def member(client, django_user_model):
    user = django_user_model.objects.create_user("follower", password="x" * 12)
    client.force_login(user)
    return user


@pytest.fixture
def peru() -> Topic:
    return Topic.objects.create(kind=TopicKind.PLACE, slug="peru", name="Peru", country="PE")


def about(topic: Topic, story: Story) -> Story:
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)
    return story


def test_following_a_topic_with_the_plain_form_returns_to_the_page_it_was_on(client, member, peru):
    response = client.post(
        reverse("topic_follow", args=["peru"]), {"action": "follow", "next": "/topics/peru/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/topics/peru/"
    assert TopicFollow.objects.filter(user=member, topic=peru).exists()


def test_the_follow_button_of_a_followed_topic_offers_to_unfollow(client, member, peru):
    about(peru, story_with_articles(2))
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})

    html = client.get(peru.get_absolute_url()).content.decode()

    assert 'aria-pressed="true"' in html
    assert 'name="action" value="unfollow"' in html


def test_a_script_gets_the_new_state_as_json(client, member, peru):
    response = client.post(
        reverse("topic_follow", args=["peru"]),
        {"action": "follow"},
        HTTP_ACCEPT="application/json",
    )

    assert response.json() == {"following": True}


def test_a_redirect_elsewhere_is_refused_after_following(client, member, peru):
    response = client.post(
        reverse("topic_follow", args=["peru"]),
        {"action": "follow", "next": "https://evil.example/"},
    )

    assert response["Location"] == peru.get_absolute_url()


def test_an_anonymous_reader_who_follows_is_sent_to_sign_in(client, peru):
    response = client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not TopicFollow.objects.exists()


def test_for_you_lists_the_stories_of_followed_topics_and_outlets_only(client, member, peru):
    followed_outlet = SourceFactory(name="Andes Daily")
    about(peru, story_with_articles(2, headline="Peru congress removes president"))
    story_with_articles(1, sources=[followed_outlet], headline="Andes Daily scoop")
    story_with_articles(2, headline="Unrelated budget vote")
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})
    client.post(reverse("source_follow", args=[followed_outlet.slug]), {"action": "follow"})

    html = client.get(reverse("for_you")).content.decode()

    assert "Peru congress removes president" in html
    assert "Andes Daily scoop" in html
    assert "Unrelated budget vote" not in html


def test_for_you_ranks_like_the_home_page(client, member, peru):
    now = timezone.now()
    about(peru, story_with_articles(2, headline="Narrow story", start=now - timedelta(minutes=30)))
    about(peru, story_with_articles(8, headline="Wide story", start=now - timedelta(hours=3)))
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})

    html = client.get(reverse("for_you")).content.decode()

    assert html.index("Wide story") < html.index("Narrow story")


def test_a_story_only_muted_outlets_cover_leaves_for_you(client, member, peru):
    muted = SourceFactory(name="Shouty Times")
    about(peru, story_with_articles(2, sources=[muted], headline="Only the muted outlet"))
    about(peru, story_with_articles(2, headline="Covered by others"))
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})
    client.post(reverse("source_mute", args=[muted.slug]), {"action": "mute"})

    html = client.get(reverse("for_you")).content.decode()

    assert "Only the muted outlet" not in html
    assert "Covered by others" in html


def test_muting_an_outlet_never_changes_a_storys_coverage_figures(client, member, peru):
    muted = SourceFactory(name="Shouty Times", bias=BiasLabel.RIGHT)
    other = SourceFactory(name="Calm Post", bias=BiasLabel.LEFT)
    story = about(peru, story_with_articles(2, sources=[muted, other], headline="Both cover it"))
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})
    client.post(reverse("source_mute", args=[muted.slug]), {"action": "mute"})

    html = client.get(reverse("for_you")).content.decode()
    card = html[html.index("Both cover it") :]

    assert SourceMute.objects.filter(user=member, source=muted).exists()
    assert "2 sources" in card
    assert "Right 50%" in card
    assert client.get(story.get_absolute_url()).content.decode().count("Shouty Times") >= 1


@pytest.mark.parametrize("follows", [1, 30])
def test_for_you_runs_four_queries_whatever_is_followed(
    client, member, django_assert_num_queries, follows
):
    for n in range(follows):
        topic = Topic.objects.create(kind=TopicKind.PERSON, slug=f"person-{n}", name=f"P {n}")
        about(topic, story_with_articles(2))
        TopicFollow.objects.create(user=member, topic=topic)

    # User and membership terms (the first page since signing in: then kept in the reader
    # cache; the session is cached), front page signature, the ranked stories.
    with django_assert_num_queries(4):
        response = client.get(reverse("for_you"))

    assert response.content.decode().count('class="card"') == min(follows, 20)


def test_a_cached_for_you_page_runs_no_story_query(client, member, peru, django_assert_num_queries):
    about(peru, story_with_articles(2))
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})
    client.get(reverse("for_you"))

    # The front page signature: session, account and body come from the cache.
    with django_assert_num_queries(1):
        client.get(reverse("for_you"))


def test_a_newly_followed_topic_shows_on_a_cached_for_you_page_at_once(client, member, peru):
    about(peru, story_with_articles(2, headline="Peru congress removes president"))
    client.get(reverse("for_you"))

    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})
    html = client.get(reverse("for_you")).content.decode()

    assert "Peru congress removes president" in html


def test_an_anonymous_reader_is_invited_to_sign_up_for_for_you(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("for_you"))

    assert reverse("signup") in response.content.decode()


def test_a_saved_story_is_on_the_saved_page_and_in_the_saved_feed(client, member):
    story = story_with_articles(2, headline="Worth reading later")
    client.post(reverse("story_save", args=[story.slug]), {"action": "save"})
    _, token = api_token_create(user=member, name="feed reader")
    client.logout()

    xml = client.get(reverse("feed_saved_rss"), {"token": token}).content.decode()
    client.force_login(member)
    html = client.get(reverse("saved_stories")).content.decode()

    assert SavedStory.objects.filter(user=member, story=story).exists()
    assert "Worth reading later" in xml
    assert "Worth reading later" in html


def test_unsaving_a_story_takes_it_off_the_saved_page(client, member):
    story = story_with_articles(2, headline="Worth reading later")
    client.post(reverse("story_save", args=[story.slug]), {"action": "save"})
    client.post(reverse("story_save", args=[story.slug]), {"action": "unsave"})

    html = client.get(reverse("saved_stories")).content.decode()

    assert "Worth reading later" not in html


def test_the_saved_feed_without_a_reader_is_not_found(client):
    assert client.get(reverse("feed_saved_rss")).status_code == 404


def test_the_following_page_lists_what_the_member_follows_and_mutes(client, member, peru):
    muted = SourceFactory(name="Shouty Times")
    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})
    client.post(reverse("source_mute", args=[muted.slug]), {"action": "mute"})

    html = client.get(reverse("following")).content.decode()

    assert "Peru" in html
    assert "Shouty Times" in html


@pytest.mark.parametrize("saved", [1, 30])
def test_the_saved_page_runs_three_queries_whatever_was_saved(
    client, member, django_assert_num_queries, saved
):
    for _ in range(saved):
        SavedStory.objects.create(user=member, story=story_with_articles(1))

    # Session, user, the saved stories.
    with django_assert_num_queries(3):
        response = client.get(reverse("saved_stories"))

    assert response.content.decode().count('class="card"') == saved


@pytest.mark.parametrize("follows", [1, 20])
def test_the_following_page_runs_five_queries_whatever_is_followed(
    client, member, django_assert_num_queries, follows
):
    for n in range(follows):
        topic = Topic.objects.create(kind=TopicKind.PERSON, slug=f"person-{n}", name=f"P {n}")
        TopicFollow.objects.create(user=member, topic=topic)
        SourceMute.objects.create(user=member, source=SourceFactory())

    # Session, user, followed topics, followed outlets, muted outlets.
    with django_assert_num_queries(5):
        client.get(reverse("following"))
