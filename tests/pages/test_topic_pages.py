"""Topic pages (/topics/<slug>/), their feeds and API, and topics on story pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from sources.scales import BiasLabel
from stories.models import Story, StoryTopic, Topic, TopicKind
from stories.services import story_refresh, story_related_recompute
from stories.services.topics import topics_merge
from tests.factories import ArticleFactory, SourceFactory, StoryFactory, story_with_articles
from tests.stories.related_texts import SOUTH_KOREA, STANDOFF, WAR_ROOM, stored_story

pytestmark = pytest.mark.django_db


def about(topic: Topic, story: Story) -> Story:
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)
    story.topic_links = [
        *story.topic_links,
        {"slug": topic.slug, "name": topic.label, "kind": topic.kind},
    ]
    story.save(update_fields=["topic_links"])
    return story


def topic_with_stories(count: int = 3, **fields) -> tuple[Topic, list[Story]]:
    topic = Topic.objects.create(
        kind=fields.pop("kind", TopicKind.PERSON),
        slug=fields.pop("slug", "marco-rubio"),
        name=fields.pop("name", "Marco Rubio"),
        **fields,
    )
    now = timezone.now()
    stories = [
        about(
            topic,
            story_with_articles(
                3, headline=f"Rubio story {n}", start=now - timedelta(hours=5 * n + 1)
            ),
        )
        for n in range(count)
    ]
    return topic, stories


def test_a_topic_page_lists_its_stories_newest_first_with_their_bias_bars(client):
    topic, _ = topic_with_stories(3)

    html = client.get(topic.get_absolute_url()).content.decode()

    assert html.index("Rubio story 0") < html.index("Rubio story 1") < html.index("Rubio story 2")
    assert html.count('class="bias-bar"') == 3


def test_a_topic_page_shows_coverage_by_side_per_day_as_chart_data_and_a_table(client):
    topic, stories = topic_with_stories(2)

    response = client.get(topic.get_absolute_url())
    html = response.content.decode()

    assert 'id="topic-chart-data"' in html
    left = sum(s.left_count for s in stories)
    assert f"<td>{left}</td>" in html
    assert "Table view" in html


def test_a_topic_page_names_the_outlets_that_cover_it_most(client):
    topic = Topic.objects.create(kind=TopicKind.PLACE, slug="peru", name="Peru")
    busy = SourceFactory(name="Andes Daily", bias=BiasLabel.CENTER)
    quiet = SourceFactory(name="Coast Herald", bias=BiasLabel.LEFT)
    for n in range(3):
        about(topic, story_with_articles(2, sources=[busy] if n else [busy, quiet]))

    html = client.get(topic.get_absolute_url()).content.decode()

    assert html.index("Andes Daily") < html.index("Coast Herald")
    assert "3 stories" in html


@pytest.mark.parametrize("story_count", [2, 40])
def test_a_topic_page_runs_three_queries_whatever_its_size(
    client, django_assert_num_queries, story_count
):
    topic, _ = topic_with_stories(story_count)

    # Topic head, its stories, its outlets.
    with django_assert_num_queries(3):
        response = client.get(topic.get_absolute_url())

    assert response.status_code == 200


def test_a_cached_topic_page_runs_only_the_head_query(client, django_assert_num_queries):
    topic, _ = topic_with_stories(3)
    client.get(topic.get_absolute_url())

    with django_assert_num_queries(1):
        client.get(topic.get_absolute_url())


def test_a_signed_in_reader_gets_the_topic_page_in_six_queries(
    client, django_user_model, django_assert_num_queries
):
    topic, _ = topic_with_stories(10)
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))

    # Session, user, topic head, the reader's choices (follow button), stories, outlets.
    with django_assert_num_queries(6):
        response = client.get(topic.get_absolute_url())

    assert "Follow" in response.content.decode()


def test_a_changed_story_shows_on_its_cached_topic_page_at_once(client):
    topic, (story, *_) = topic_with_stories(2)
    client.get(topic.get_absolute_url())

    # What a refresh does: a new headline and a new version.
    Story.objects.filter(pk=story.pk).update(
        headline="Rubio lands in Budapest", version=F("version") + 1
    )
    html = client.get(topic.get_absolute_url()).content.decode()

    assert "Rubio lands in Budapest" in html


def test_an_anonymous_reader_is_invited_to_sign_up_to_follow_a_topic(client):
    topic, _ = topic_with_stories(1)

    html = client.get(topic.get_absolute_url()).content.decode()

    assert reverse("signup") in html
    assert "to follow Marco Rubio" in html


def test_a_hidden_topic_has_no_page(client):
    topic, _ = topic_with_stories(1, hidden=True)

    assert client.get(topic.get_absolute_url()).status_code == 404


def test_a_merged_topic_redirects_to_the_topic_that_absorbed_it(client):
    topic, _ = topic_with_stories(1)
    other = Topic.objects.create(kind=TopicKind.PERSON, slug="rubio", name="Rubio")
    topics_merge(absorbed=other, into=topic)

    response = client.get(other.get_absolute_url())

    assert response.status_code == 301
    assert response["Location"] == topic.get_absolute_url()


def test_an_editors_name_for_a_topic_is_its_page_title(client):
    topic, _ = topic_with_stories(1, display_name="Secretary of State Marco Rubio")

    html = client.get(topic.get_absolute_url()).content.decode()

    assert "<h1>Secretary of State Marco Rubio</h1>" in html


def test_a_topic_has_an_rss_feed_of_its_stories(client):
    topic, _ = topic_with_stories(2)

    xml = client.get(reverse("feed_topic_rss", args=[topic.slug])).content.decode()

    assert "<title>Newsdesk: Marco Rubio</title>" in xml
    assert xml.count("<item>") == 2


def test_a_topic_has_an_atom_feed(client):
    topic, _ = topic_with_stories(1)

    response = client.get(reverse("feed_topic_atom", args=[topic.slug]))

    assert response["Content-Type"].startswith("application/atom+xml")


def test_the_topic_api_gives_the_topic_and_its_stories(client):
    topic, _ = topic_with_stories(2)

    data = json.loads(client.get(reverse("api_topic_detail", args=[topic.slug])).content)

    assert data["topic"]["name"] == "Marco Rubio"
    assert data["count"] == 2
    assert data["results"][0]["headline"] == "Rubio story 0"


def test_a_story_page_links_its_topics(client):
    topic, (story, *_) = topic_with_stories(1)

    html = client.get(story.get_absolute_url()).content.decode()

    assert f'href="{topic.get_absolute_url()}">Marco Rubio</a>' in html


def test_a_story_page_lists_recent_stories_sharing_its_topics(client):
    _, (story, other) = topic_with_stories(2)
    unrelated = story_with_articles(2, headline="Budget vote in the council")

    html = client.get(story.get_absolute_url()).content.decode()

    similar = html[html.index("Similar stories") :]
    assert other.headline in similar
    assert unrelated.headline not in similar


def test_a_story_page_lists_a_related_story_either_way_round(client):
    """The standoff's relations were worked out before the War Room story existed; the War
    Room's name it. Both pages list the other, though they share no topic."""
    now = timezone.now()
    standoff = stored_story(STANDOFF, now - timedelta(hours=40))
    assert story_related_recompute(story_id=standoff.id) == []
    war_room = stored_story(WAR_ROOM, now - timedelta(hours=9))
    unrelated = stored_story(SOUTH_KOREA, now - timedelta(hours=30))

    assert story_related_recompute(story_id=war_room.id) == [standoff.id]

    for story, other in ((standoff, war_room), (war_room, standoff)):
        html = client.get(story.get_absolute_url()).content.decode()
        similar = html[html.index("Similar stories") :]
        assert other.headline in similar
        assert unrelated.headline not in similar


def test_a_story_page_with_topics_runs_one_query_for_similar_stories(
    client, django_assert_num_queries
):
    _, (story, *_) = topic_with_stories(3)

    # Version check, story, articles, similar stories.
    with django_assert_num_queries(4):
        client.get(story.get_absolute_url())


def test_refreshing_a_story_from_real_text_links_its_page_to_its_topics(client):
    story = StoryFactory()
    for lead in (
        "Secretary of State Marco Rubio arrived in Budapest on Sunday.",
        "Rubio met Hungary's prime minister in Budapest.",
    ):
        ArticleFactory(story=story, source=SourceFactory(), title="Visit", description=lead)
    story_refresh(story_id=story.pk)

    html = client.get(story.get_absolute_url()).content.decode()

    assert 'href="/topics/marco-rubio/">Marco Rubio</a>' in html
    assert client.get("/topics/marco-rubio/").status_code == 200


def test_similar_stories_are_those_near_the_storys_own_time(client):
    now = timezone.now()
    topic, (story,) = topic_with_stories(1)
    old = about(
        topic, story_with_articles(2, headline="Old Rubio story", start=now - timedelta(days=30))
    )

    html = client.get(story.get_absolute_url()).content.decode()

    assert old.headline not in html


def test_an_old_storys_similar_stories_are_of_its_own_time_not_the_newest(client):
    """Last spring's India-Pakistan standoff listed this year's India stories, newest first,
    and left out the same week's report on the standoff."""
    india = Topic.objects.create(kind=TopicKind.PLACE, slug="india", name="India")
    pakistan = Topic.objects.create(kind=TopicKind.PLACE, slug="pakistan", name="Pakistan")
    now = timezone.now()

    def story_about_both(headline: str, days_ago: int) -> Story:
        story = story_with_articles(2, headline=headline, start=now - timedelta(days=days_ago))
        return about(pakistan, about(india, story))

    story = story_about_both("Tensions soar as India weighs how to hit Pakistan", 300)
    story_about_both("India and Pakistan are bracing for a military clash", 296)
    for day in range(1, 6):
        story_about_both(f"India and Pakistan this year, day {day}", day)

    html = client.get(story.get_absolute_url()).content.decode()
    similar = html[html.index("Similar stories") :]

    assert "India and Pakistan are bracing for a military clash" in similar
    assert "this year" not in similar


def test_sharing_only_a_country_with_a_story_of_several_topics_is_not_similar(client):
    rubio = Topic.objects.create(kind=TopicKind.PERSON, slug="marco-rubio", name="Marco Rubio")
    us = Topic.objects.create(kind=TopicKind.PLACE, slug="united-states", name="United States")
    story = about(us, about(rubio, story_with_articles(2, headline="Rubio in Budapest")))
    about(us, story_with_articles(2, headline="Storm hits Texas"))
    about(rubio, story_with_articles(2, headline="Rubio in Munich"))

    html = client.get(story.get_absolute_url()).content.decode()
    similar = html[html.index("Similar stories") :]

    assert "Rubio in Munich" in similar
    assert "Storm hits Texas" not in similar
