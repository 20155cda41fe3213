"""stories.services.retention on the real database: old articles drop their text only."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from stories import services
from stories.models import Article, Story
from tests.stories.factories import make_article, make_source

pytestmark = pytest.mark.django_db


def placed(title: str, *, days_ago: int, source=None) -> Article:
    """An article published ``days_ago`` days ago, placed and its story refreshed."""
    article = make_article(title, source or make_source("left"))
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(days=days_ago),
        text="The harbor council voted on Tuesday to build a flood barrier. " * 5,
    )
    story_id = services.article_cluster(article_id=article.pk)
    services.story_refresh(story_id=story_id)
    article.refresh_from_db()
    return article


def test_an_article_older_than_the_retention_loses_its_text_but_keeps_its_story(settings):
    settings.ARTICLE_TEXT_RETENTION_DAYS = 30
    article = placed("Harbor council approves the flood barrier", days_ago=40)

    dropped = services.articles_drop_old_text(now=timezone.now())

    kept = Article.objects.get(pk=article.pk)
    assert dropped == 1
    assert (kept.text, kept.feed_summary) == ("", "")
    assert (kept.story_id, kept.title) == (article.story_id, article.title)
    assert kept.text_dropped_at is not None


def test_an_article_younger_than_the_retention_keeps_its_text(settings):
    settings.ARTICLE_TEXT_RETENTION_DAYS = 30
    article = placed("Harbor council approves the flood barrier", days_ago=20)

    assert services.articles_drop_old_text(now=timezone.now()) == 0
    assert Article.objects.get(pk=article.pk).text == article.text


def test_an_old_article_of_a_story_still_changing_keeps_its_text(settings):
    settings.ARTICLE_TEXT_RETENTION_DAYS = 30
    article = placed("Harbor council approves the flood barrier", days_ago=40)
    Story.objects.filter(pk=article.story_id).update(last_updated_at=timezone.now())

    assert services.articles_drop_old_text(now=timezone.now()) == 0


def test_a_refresh_after_retention_keeps_the_summary_and_recounts_the_figures():
    article = placed("Harbor council approves the flood barrier", days_ago=40)
    before = Story.objects.get(pk=article.story_id)
    services.articles_drop_old_text(now=timezone.now(), older_than_days=30)
    Article.objects.filter(pk=article.pk).update(source=make_source("right"))

    services.story_refresh(story_id=article.story_id)

    after = Story.objects.get(pk=article.story_id)
    assert (after.headline, after.summary) == (before.headline, before.summary)
    assert (after.left_count, after.right_count) == (0, 1)
    assert services.stories_figures_drift() == []


def test_the_command_drops_the_text_of_articles_older_than_its_days(capsys):
    article = placed("Harbor council approves the flood barrier", days_ago=10)

    call_command("drop_old_text", "--days", "7")

    assert Article.objects.get(pk=article.pk).text == ""
    assert "dropped the text of 1 articles" in capsys.readouterr().out


def test_beat_drops_old_text_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["stories-drop-old-text"]
    assert (entry["task"], entry["schedule"]) == ("stories.tasks.articles_drop_old_text", 86400.0)
