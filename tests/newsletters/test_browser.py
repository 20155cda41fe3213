"""A member signs up for the daily briefing in Debian's Chromium and gets it by real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from newsletters import tasks
from tests.factories import PASSWORD, UserFactory, story_with_articles
from tests.newsletters.conftest import blindspot_report, daily, links, parts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENING_BEFORE = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
# 07:00 in Paris on Friday 4 December 2026 (UTC+1 in winter).
PARIS_SEVEN = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def run_planner(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        tasks.newsletters_enqueue_due()


def local_path(url: str) -> str:
    parts_ = urlsplit(url)
    return parts_.path + (f"?{parts_.query}" if parts_.query else "")


def test_a_member_signs_up_confirms_receives_the_briefing_unsubscribes_and_gets_no_more(
    live_server, page, smtp, settings, eager_tasks, artifacts_dir
):
    settings.NEWSLETTERS_SITE_URL = live_server.url
    base = live_server.url
    daily(), blindspot_report()
    with time_machine.travel(EVENING_BEFORE, tick=True):
        story_with_articles(6, headline="Harbour bridge reopens after repairs")
        story_with_articles(3, headline="Library extends its opening hours")
        member = UserFactory(email="ines@example.org")

        page.goto(base + reverse("login"))
        page.fill("#id_username", member.username)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(base + reverse("profile"))
        page.click("text=Newsletters")
        page.check("#id_daily-subscribed")
        page.fill("#id_daily-send_time", "07:00")
        page.select_option("#id_daily-time_zone", "Europe/Paris")
        page.screenshot(path=str(artifacts_dir / "newsletters-preferences.png"), full_page=True)
        page.click("text=Save my choices")
        page.wait_for_selector("text=We sent a link to ines@example.org")
        page.wait_for_selector("text=check your inbox for the confirmation link")

        [confirmation] = smtp.messages
        [link] = [link for link in links(confirmation.get_content()) if "/confirm/" in link]
        page.goto(base + local_path(link))
        page.click("text=Confirm my subscription")
        page.wait_for_selector("text=Subscription confirmed")

    run_planner(PARIS_SEVEN - timedelta(minutes=2))
    assert len(smtp.messages) == 1  # the confirmation only: not 07:00 in Paris yet

    run_planner(PARIS_SEVEN + timedelta(minutes=1))
    assert len(smtp.messages) == 2
    issue = smtp.messages[1]
    assert issue["To"] == "ines@example.org"
    text, html = parts(issue)
    assert "Harbour bridge reopens after repairs" in text

    # The issue as mailed, opened in the browser, and its link to the page on the web.
    page.set_content(html)
    page.screenshot(path=str(artifacts_dir / "newsletters-mail.png"), full_page=True)
    assert page.locator(".bar-cell").count() >= 2
    web = next(link for link in links(text) if "/briefings/" in link)
    page.goto(web)
    assert page.locator("h1").inner_text() == "Daily briefing"
    assert page.locator("text=Harbour bridge reopens after repairs").is_visible()
    page.screenshot(path=str(artifacts_dir / "newsletters-issue-page.png"), full_page=True)

    # One click on the link of the mail's footer.
    unsubscribe = next(link for link in links(text) if "/unsubscribe/" in link)
    page.goto(unsubscribe)
    page.click("button:has-text('Unsubscribe')")
    page.wait_for_selector("text=You are unsubscribed")
    page.screenshot(path=str(artifacts_dir / "newsletters-unsubscribed.png"), full_page=True)

    for day in (1, 2):  # the next days have news, and none of it comes to this member
        with time_machine.travel(PARIS_SEVEN + timedelta(days=day, hours=-1), tick=False):
            story_with_articles(4, headline=f"News of day {day}")
        run_planner(PARIS_SEVEN + timedelta(days=day, minutes=1))
    assert len(smtp.messages) == 2
