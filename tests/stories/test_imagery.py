"""Which picture a story shows (stories.imagery), and the refreshes that store it."""

from datetime import UTC, datetime, timedelta

import pytest

from stories import services
from stories.imagery import PictureCandidate, story_picture
from stories.models import Story
from tests.factories import story_with_articles

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)
KEY_A, KEY_B, KEY_C = "a" * 32, "b" * 32, "c" * 32


def candidate(article_id: int, image: str, *, minutes: int, copy: bool = False):
    return PictureCandidate(
        article_id=article_id,
        image=image,
        is_wire_copy=copy,
        seen_at=T0 + timedelta(minutes=minutes),
    )


def test_a_story_shows_the_picture_of_its_earliest_report_that_has_one():
    chosen = story_picture(
        [
            candidate(1, "", minutes=0),
            candidate(2, KEY_B, minutes=30),
            candidate(3, KEY_C, minutes=5),
        ]
    )

    assert chosen == KEY_C


def test_an_original_report_wins_over_an_earlier_wire_copys_picture():
    chosen = story_picture(
        [candidate(1, KEY_A, minutes=0, copy=True), candidate(2, KEY_B, minutes=9)]
    )

    assert chosen == KEY_B


def test_a_story_whose_articles_have_no_picture_shows_none():
    assert story_picture([candidate(1, "", minutes=0)]) == ""


@pytest.mark.django_db
def test_a_refresh_stores_the_chosen_picture_on_the_story():
    story = story_with_articles(3)
    _first, second, _third = story.articles.order_by("published_at")
    second.image = KEY_B
    second.save()

    services.story_refresh(story_id=story.id)

    assert Story.objects.get(pk=story.pk).image == KEY_B


@pytest.mark.django_db
def test_a_late_picture_of_an_earlier_report_takes_over_and_renews_the_version():
    story = story_with_articles(3)
    first, second, _third = story.articles.order_by("published_at")
    second.image = KEY_B
    second.save()
    services.story_refresh(story_id=story.id)
    first.image = KEY_A
    first.save()
    version = Story.objects.get(pk=story.pk).version

    changed = services.story_refresh_image(story_id=story.id)

    story.refresh_from_db()
    assert changed
    assert (story.image, story.version) == (KEY_A, version + 1)


@pytest.mark.django_db
def test_a_picture_that_changes_nothing_leaves_the_version_and_cached_pages_alone():
    story = story_with_articles(2)
    first = story.articles.order_by("published_at").first()
    first.image = KEY_A
    first.save()
    services.story_refresh_image(story_id=story.id)
    version = Story.objects.get(pk=story.pk).version

    assert not services.story_refresh_image(story_id=story.id)
    assert Story.objects.get(pk=story.pk).version == version
