"""Following a topic and muting an outlet end to end in Debian's Chromium: with the page's
script (buttons flip in place) and without it (plain forms)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stories.models import StoryTopic, Topic, TopicKind
from tests.factories import SourceFactory, story_with_articles
from tests.members.factories import PASSWORD, UserFactory
from tests.members.test_browser import CANVAS_PAINTED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(base_url + reverse("profile"))


def world():
    """Peru with two stories: one only a loud outlet covers, one a calm outlet covers too."""
    peru = Topic.objects.create(kind=TopicKind.PLACE, slug="peru", name="Peru", country="PE")
    loud = SourceFactory(name="Shouty Times", slug="shouty-times")
    calm = SourceFactory(name="Calm Post")
    for story in (
        story_with_articles(2, sources=[loud], headline="Peru story only Shouty Times ran"),
        story_with_articles(2, sources=[loud, calm], headline="Peru story everyone ran"),
    ):
        StoryTopic.objects.create(story=story, topic=peru, last_updated_at=story.last_updated_at)
    return peru, loud


def test_a_member_follows_a_topic_and_mutes_an_outlet_and_for_you_follows_suit(
    live_server, page, artifacts_dir
):
    peru, loud = world()
    base = live_server.url
    sign_in(page, base, UserFactory().username)

    page.goto(base + peru.get_absolute_url())
    page.wait_for_function(CANVAS_PAINTED, arg="topic-chart")
    follow = page.get_by_role("button", name="Follow")
    follow.click()
    page.get_by_role("button", name="Following").wait_for()
    assert page.url == base + peru.get_absolute_url()  # flipped in place, no page load
    page.screenshot(path=str(artifacts_dir / "topic-followed.png"), full_page=True)

    page.goto(base + reverse("for_you"))
    assert page.get_by_text("Peru story only Shouty Times ran").is_visible()

    page.goto(base + loud.get_absolute_url())
    page.get_by_role("button", name="Mute").click()
    page.get_by_role("button", name="Muted").wait_for()

    page.goto(base + reverse("for_you"))
    assert page.get_by_text("Peru story everyone ran").is_visible()
    assert page.get_by_text("Peru story only Shouty Times ran").count() == 0
    page.screenshot(path=str(artifacts_dir / "for-you-muted.png"), full_page=True)


def test_following_works_without_javascript(live_server, browser):
    peru, _ = world()
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, UserFactory().username)

    page.goto(base + peru.get_absolute_url())
    page.get_by_role("button", name="Follow").click()
    page.wait_for_url(base + peru.get_absolute_url())

    assert page.get_by_role("button", name="Following").is_visible()
    page.goto(base + reverse("for_you"))
    assert page.get_by_text("Peru story everyone ran").is_visible()
    context.close()
