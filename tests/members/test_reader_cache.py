"""A signed-in reader's account, tier and choices are read from the cache, and every change to
them shows on the next page (the cache is the real Redis when REDIS_URL is set)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import reader_cache, services
from members.access import user_has_premium
from members.models import GrantOrigin
from stories.models import Topic, TopicKind
from tests.factories import story_with_articles
from tests.members.gating import gated_values_in, gated_world

pytestmark = pytest.mark.django_db

STORY_GATED = {"story factuality counts", "story ownership counts"}


@pytest.fixture(autouse=True)
def fresh_page_caches(empty_page_cache, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty caches; the front page signature is re-read on every request."""
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 0)


@pytest.fixture
def member():
    return get_user_model().objects.create_user("cached-reader", password="first-pass-phrase")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def signed_in_on_for_you(client: Client) -> bool:
    return "Sign out" in client.get(reverse("for_you")).content.decode()


def test_a_signed_in_page_after_the_first_reads_no_account_or_session_row(
    member, django_assert_num_queries
):
    client = signed_in(member)
    client.get(reverse("for_you"))

    # The front page signature only (the For You body is cached).
    with django_assert_num_queries(1):
        response = client.get(reverse("for_you"))

    assert "Sign out" in response.content.decode()


def test_a_password_change_signs_other_browsers_out_at_once(member):
    other_browser = signed_in(member)
    assert signed_in_on_for_you(other_browser)

    member.set_password("second-pass-phrase")
    member.save()

    assert not signed_in_on_for_you(other_browser)


def test_a_deactivated_account_is_signed_out_at_once(member):
    client = signed_in(member)
    assert signed_in_on_for_you(client)

    member.is_active = False
    member.save()

    assert not signed_in_on_for_you(client)


def test_a_deleted_account_is_signed_out_at_once(member):
    client = signed_in(member)
    assert signed_in_on_for_you(client)

    member.delete()

    assert not signed_in_on_for_you(client)


def test_signing_out_ends_the_session_even_where_a_copy_was_cached(member):
    client = signed_in(member)
    assert signed_in_on_for_you(client)
    cookie = client.cookies["sessionid"].value

    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie

    assert not signed_in_on_for_you(replay)


def test_premium_granted_to_a_signed_in_reader_shows_on_their_next_page(member):
    story_url = gated_world().story.get_absolute_url()
    client = signed_in(member)
    assert gated_values_in(client.get(story_url).content.decode()) == set()

    services.membership_grant_premium(
        user=member, actor=None, reason="test", origin=GrantOrigin.COMMAND
    )

    assert gated_values_in(client.get(story_url).content.decode()) >= STORY_GATED


def test_premium_revoked_from_a_signed_in_reader_is_gone_from_their_next_page(member):
    story_url = gated_world().story.get_absolute_url()
    services.membership_grant_premium(
        user=member, actor=None, reason="test", origin=GrantOrigin.COMMAND
    )
    client = signed_in(member)
    assert gated_values_in(client.get(story_url).content.decode()) >= STORY_GATED

    services.membership_revoke_premium(
        user=member, actor=None, reason="test", origin=GrantOrigin.COMMAND
    )

    assert gated_values_in(client.get(story_url).content.decode()) == set()


def test_a_follow_shows_on_the_topic_button_right_after_the_page_was_seen(member):
    topic = Topic.objects.create(kind=TopicKind.PLACE, slug="peru", name="Peru", country="PE")
    story = story_with_articles(2)
    topic.story_rows.create(story=story, last_updated_at=story.last_updated_at)
    client = signed_in(member)
    assert 'aria-pressed="false"' in client.get(topic.get_absolute_url()).content.decode()

    client.post(reverse("topic_follow", args=["peru"]), {"action": "follow"})

    assert 'aria-pressed="true"' in client.get(topic.get_absolute_url()).content.decode()


def test_a_kept_account_loses_premium_at_the_minute_its_membership_ends(member):
    ends = timezone.now() + timedelta(days=3)
    services.membership_grant_premium(
        user=member, actor=None, reason="test", origin=GrantOrigin.COMMAND, valid_until=ends
    )
    signed_in(member).get(reverse("for_you"))
    kept = reader_cache.member_get(user_id=member.pk)

    assert kept is not None
    assert user_has_premium(kept, now=ends - timedelta(minutes=1))
    assert not user_has_premium(kept, now=ends)
