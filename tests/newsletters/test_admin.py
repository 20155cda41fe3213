"""Editors preview an issue before it goes and pause a newsletter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from newsletters.models import Issue
from tests.factories import StaffFactory, story_with_articles
from tests.newsletters.conftest import daily

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def editor(client):
    client.force_login(StaffFactory())
    return client


def act(client, action: str, newsletter) -> object:
    return client.post(
        reverse("admin:newsletters_newsletter_changelist"),
        {"action": action, "_selected_action": [newsletter.pk]},
        follow=True,
    )


def test_an_editor_builds_tomorrows_briefing_and_previews_it(editor):
    newsletter = daily()
    with time_machine.travel(NOW, tick=False):
        story_with_articles(4, headline="Ferry timetable changes for winter")
        page = act(editor, "build_next_edition", newsletter)
    issue = Issue.objects.get(newsletter=newsletter)
    assert issue.edition_date.isoformat() == "2026-12-05"
    assert "preview it" in page.text

    preview = editor.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))
    html = editor.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]) + "?part=html")

    assert "Ferry timetable changes for winter" in preview.text  # the text part
    assert "Ferry timetable changes for winter" in html.text
    assert "<style" not in html.text  # as mailed: CSS inlined


def test_the_premium_preview_shows_factuality(editor):
    with time_machine.travel(NOW, tick=False):
        story_with_articles(4)
        act(editor, "build_next_edition", daily())
    url = reverse("admin:newsletters_issue_preview", args=[Issue.objects.get().pk])
    assert "of the rated sources have" in editor.get(url + "?premium=1").text
    assert "of the rated sources have" not in editor.get(url).text


def test_an_editor_pauses_and_resumes_a_newsletter(editor):
    newsletter = daily()
    act(editor, "pause", newsletter)
    newsletter.refresh_from_db()
    assert newsletter.paused and newsletter.paused_by is not None
    act(editor, "resume", newsletter)
    newsletter.refresh_from_db()
    assert not newsletter.paused


def test_readers_cannot_open_the_preview(client):
    with time_machine.travel(NOW, tick=False):
        act_issue = Issue.objects.create(
            newsletter=daily(), edition_date=NOW.date(), subject="s", content={}, built_at=NOW
        )
    response = client.get(reverse("admin:newsletters_issue_preview", args=[act_issue.pk]))
    assert response.status_code == 302
