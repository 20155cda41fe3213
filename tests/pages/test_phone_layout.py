"""The site at a phone's width (390 px) in Chromium: panels first, a menu, no sideways scroll."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, FeedFactory, StaffFactory
from tests.pages.test_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"


def top_of(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("element => element.getBoundingClientRect().top")


def test_on_a_phone_the_coverage_panel_comes_before_the_article_list(
    live_server, browser, story, artifacts_dir: Path
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    page.screenshot(path=str(artifacts_dir / "phone-story.png"), full_page=True)

    assert top_of(page, "#coverage-heading") < top_of(page, "#bias-heading")
    assert top_of(page, "#bias-heading") < top_of(page, "#articles")
    context.close()


def test_on_a_phone_the_navigation_is_one_menu_that_opens_without_script(
    live_server, browser, story, artifacts_dir: Path
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    header_height = page.locator(".site-header").evaluate("header => header.offsetHeight")
    blindspot = page.get_by_role("link", name="Blindspot")
    hidden_before = not blindspot.is_visible()

    page.get_by_text("Menu").click()
    page.screenshot(path=str(artifacts_dir / "phone-menu-open.png"))

    # Two rows of header (brand and menu, then search), not four rows of wrapped links.
    assert header_height < 110
    assert hidden_before
    assert blindspot.is_visible()
    context.close()


def test_no_page_scrolls_sideways_on_a_phone(live_server, browser, story, artifacts_dir: Path):
    source = story.articles.first().source
    FeedFactory(
        source=source,
        url="https://harbor-gazette.example/a-very-long-feed-address/that/goes/on/and/on/rss.xml",
        last_error="ConnectTimeout: the outlet did not answer within 10 seconds " * 2,
    )
    staff = StaffFactory()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    widths = {}
    for name, path in {
        "home": "/",
        "story": story.get_absolute_url(),
        "ops": reverse("ingestion_ops"),
        "admin-source": reverse("admin:sources_source_change", args=[source.pk]),
    }.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(artifacts_dir / f"phone-{name}.png"), full_page=True)
        widths[name] = page.evaluate(SCROLL_WIDTH)
    context.close()

    assert widths == {name: 390 for name in widths}


def test_topic_for_you_and_edition_pages_do_not_scroll_sideways_on_a_phone(
    live_server, browser, story, artifacts_dir: Path
):
    from stories.models import StoryTopic, Topic, TopicKind
    from tests.factories import UserFactory

    topic = Topic.objects.create(
        kind=TopicKind.ORGANISATION,
        slug="organisation-with-a-long-name",
        name="Organization of African First Ladies for Development and Cooperation",
    )
    StoryTopic.objects.create(story=story, topic=topic, last_updated_at=story.last_updated_at)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", UserFactory().username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + reverse("profile"))
    widths = {}
    for name, path in {
        "topic": topic.get_absolute_url(),
        "for-you": reverse("for_you"),
        "edition": reverse("edition_detail", args=["eu"]),
    }.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(artifacts_dir / f"phone-{name}.png"), full_page=True)
        widths[name] = page.evaluate(SCROLL_WIDTH)
    context.close()

    assert widths == {name: 390 for name in widths}
