""" "From what you follow": each member's daily briefing carries the day's stories of the
topics and outlets they follow, through a real SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import SourceFollow, SourceMute, TopicFollow
from newsletters import services, tasks
from newsletters.models import Issue
from sources.models import Source
from stories.models import Story, StoryTopic, Topic, TopicKind
from tests.factories import MembershipFactory, SourceFactory, UserFactory, story_with_articles
from tests.newsletters.conftest import SITE, links, parts, subscribe

pytestmark = pytest.mark.django_db

# 07:00 in Paris on a winter Friday.
SEND_AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
HEADING_TEXT = "FROM WHAT YOU FOLLOW"
HEADING_HTML = "From what you follow"


@pytest.fixture(autouse=True)
def two_top_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    """A two-story top section, so a few stories of the day are enough to reach below it."""
    monkeypatch.setattr("newsletters.content.DAILY_STORIES", 2)


def about(topic: Topic, story: Story) -> Story:
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)
    return story


def run_planner(at: datetime = SEND_AT) -> None:
    with time_machine.travel(at, tick=False):
        tasks.newsletters_enqueue_due()


@pytest.fixture
def peru() -> Topic:
    return Topic.objects.create(kind=TopicKind.PLACE, slug="peru", name="Peru", country="PE")


@pytest.fixture
def day(smtp, eager_tasks, peru):
    """Two widely covered top stories and, below them, a Peru story of two outlets."""
    with time_machine.travel(SEND_AT - timedelta(hours=3), tick=False):
        story_with_articles(8, headline="Harbour bridge reopens after repairs")
        story_with_articles(7, headline="Library extends its opening hours")
        about(peru, story_with_articles(2, headline="Lima rations water through the summer"))
        story_with_articles(2, headline="Chess club wins the regional cup")
    return peru


def member(email: str) -> object:
    user = UserFactory(email=email)
    subscribe(user, time_zone="Europe/Paris")
    return user


def after(heading: str, body: str) -> str:
    assert heading in body
    return body.split(heading, 1)[1]


def test_a_followed_topics_story_is_in_both_parts_under_what_you_follow(day, smtp):
    TopicFollow.objects.create(user=member("ana@example.org"), topic=day)

    run_planner()

    text, html = parts(smtp.to("ana@example.org")[0])
    for heading, body in ((HEADING_TEXT, text), (HEADING_HTML, html)):
        section = after(heading, body)
        assert "Lima rations water through the summer" in section
        assert "Because you follow Peru" in section
        assert "Chess club wins the regional cup" not in body


def test_the_links_of_the_section_open_the_story_and_for_you(day, smtp, client):
    reader = member("ana@example.org")
    TopicFollow.objects.create(user=reader, topic=day)
    run_planner()
    text, html = parts(smtp.to("ana@example.org")[0])
    story_path = Story.objects.get(headline__startswith="Lima").get_absolute_url()

    for section in (after(HEADING_TEXT, text), after(HEADING_HTML, html)):
        paths = {urlsplit(link).path for link in links(section) if link.startswith(SITE)}
        assert {story_path, "/for-you/"} <= paths
    client.force_login(reader)
    for path in (story_path, "/for-you/"):
        assert client.get(path).status_code == 200


def test_a_followed_outlets_story_names_the_outlet(day, smtp):
    outlet = SourceFactory(name="Andes Daily")
    with time_machine.travel(SEND_AT - timedelta(hours=2), tick=False):
        story_with_articles(1, sources=[outlet], headline="Cusco trains run again")
    SourceFollow.objects.create(user=member("ana@example.org"), source=outlet)

    run_planner()

    text, html = parts(smtp.to("ana@example.org")[0])
    assert "Cusco trains run again\r\n  Because you follow Andes Daily" in after(HEADING_TEXT, text)
    assert "Because you follow Andes Daily" in after(HEADING_HTML, html)


def test_a_story_already_in_the_top_section_is_not_repeated_below(day, smtp):
    about(day, Story.objects.get(headline__startswith="Harbour"))
    TopicFollow.objects.create(user=member("ana@example.org"), topic=day)

    run_planner()

    text, _ = parts(smtp.to("ana@example.org")[0])
    assert text.count("Harbour bridge reopens after repairs") == 1
    assert "Harbour bridge" not in after(HEADING_TEXT, text)


def test_a_story_only_muted_outlets_cover_is_left_out(day, smtp):
    muted, other = SourceFactory(name="Loud Wire"), SourceFactory(name="Quiet Post")
    with time_machine.travel(SEND_AT - timedelta(hours=2), tick=False):
        about(day, story_with_articles(2, sources=[muted], headline="Only the wire covers this"))
        about(day, story_with_articles(2, sources=[muted, other], headline="Both outlets cover"))
    reader = member("ana@example.org")
    TopicFollow.objects.create(user=reader, topic=day)
    SourceMute.objects.create(user=reader, source=muted)

    run_planner()

    text, html = parts(smtp.to("ana@example.org")[0])
    for heading, body in ((HEADING_TEXT, text), (HEADING_HTML, html)):
        section = after(heading, body)
        assert "Both outlets cover" in section
        assert "Only the wire covers this" not in section


def test_a_member_who_follows_nothing_gets_no_section_only_an_invitation(day, smtp):
    member("ana@example.org")

    run_planner()

    text, html = parts(smtp.to("ana@example.org")[0])
    assert HEADING_TEXT not in text and HEADING_HTML not in html
    assert "Lima rations water" not in text + html
    assert "Follow topics and outlets on Newsdesk" in text
    assert "Follow topics and outlets on Newsdesk" in html


def test_a_member_whose_follows_have_no_story_today_is_told_so(day, smtp):
    quiet = Topic.objects.create(kind=TopicKind.PLACE, slug="tonga", name="Tonga")
    TopicFollow.objects.create(user=member("ana@example.org"), topic=quiet)

    run_planner()

    text, html = parts(smtp.to("ana@example.org")[0])
    assert "Nothing new today from the topics and outlets you follow" in after(HEADING_TEXT, text)
    assert "Nothing new today from the topics and outlets you follow" in html


def test_factuality_in_the_section_is_for_premium_members_only(day, smtp):
    free, premium = member("free@example.org"), member("premium@example.org")
    MembershipFactory(user=premium, valid_from=SEND_AT - timedelta(days=1))
    for reader in (free, premium):
        TopicFollow.objects.create(user=reader, topic=day)

    run_planner()

    free_html = after(HEADING_HTML, parts(smtp.to("free@example.org")[0])[1])
    premium_html = after(HEADING_HTML, parts(smtp.to("premium@example.org")[0])[1])
    assert "of the rated sources have" in premium_html
    assert "of the rated sources have" not in free_html


def test_each_member_gets_their_own_section_from_one_shared_issue(day, smtp):
    TopicFollow.objects.create(user=member("ana@example.org"), topic=day)
    member("ben@example.org")

    run_planner()

    assert Issue.objects.count() == 1
    assert "Lima rations water" in parts(smtp.to("ana@example.org")[0])[0]
    assert "Lima rations water" not in parts(smtp.to("ben@example.org")[0])[0]


def test_a_topic_name_is_escaped_in_the_html_part(day, smtp):
    day.display_name = "Peru <script>alert(1)</script>"
    day.save()
    TopicFollow.objects.create(user=member("ana@example.org"), topic=day)

    run_planner()

    _, html = parts(smtp.to("ana@example.org")[0])
    assert "<script>" not in html
    assert "Because you follow Peru &lt;script&gt;" in html


def test_the_web_page_of_the_issue_shows_no_members_section(day, smtp, client):
    reader = member("ana@example.org")
    TopicFollow.objects.create(user=reader, topic=day)
    run_planner()
    client.force_login(reader)

    html = client.get(Issue.objects.get().get_absolute_url()).content.decode()

    assert "Lima rations water" not in html
    assert 'on <a href="/for-you/">your For You page</a>' in html


def follow_many(user, *, topics: list[Topic], sources: list[Source]) -> None:
    TopicFollow.objects.bulk_create(TopicFollow(user=user, topic=topic) for topic in topics)
    SourceFollow.objects.bulk_create(SourceFollow(user=user, source=s) for s in sources[1:])
    SourceMute.objects.create(user=user, source=sources[0])


def batch_queries() -> int:
    """What a batch costs apart from one UPDATE per message: the issue, the claim (a SELECT
    and an UPDATE in a transaction: a savepoint and its release here, inside the test's
    transaction), the recipients, premium, the members' follows, and on PostgreSQL
    synchronous_commit off and on again."""
    return 8 + (2 if connection.vendor == "postgresql" else 0)


@pytest.mark.parametrize(("members", "follows"), [(2, 1), (12, 6)])
def test_a_batch_runs_the_same_queries_whatever_its_members_and_follows(smtp, members, follows):
    with time_machine.travel(SEND_AT - timedelta(hours=1), tick=False):
        topics = [
            Topic.objects.create(kind=TopicKind.SECTION, slug=f"t{n}", name=f"Topic {n}")
            for n in range(follows)
        ]
        sources = [SourceFactory() for _ in range(follows + 1)]
        for n in range(6):
            about(topics[n % follows], story_with_articles(2, sources=sources[n % 2 :]))
        for n in range(members):
            user = UserFactory(email=f"member{n}@example.org")
            subscribe(user, send_time=time(6, 0))
            follow_many(user, topics=topics, sources=sources)
    services.newsletters_enqueue_due(now=SEND_AT)
    issue_id = Issue.objects.get().pk

    with CaptureQueriesContext(connection) as queries:
        result = services.delivery_send_batch(issue_id=issue_id, batch_size=100)

    assert result.sent == members
    assert "FROM WHAT YOU FOLLOW" in parts(smtp.messages[0])[0]
    # One UPDATE per message, and one more marks the last message sent.
    assert len(queries) == batch_queries() + members + 1
