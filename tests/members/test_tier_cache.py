"""A story page rendered for a premium member is never served to anyone else.

The story body is cached in Redis (the real cache of the services mode, ``REDIS_URL``) and
keyed by the viewer's tier; these tests render the same story as premium, then as free, then
anonymously, and check what each reader received, including through conditional requests.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from stories import reader
from tests.members.gating import (
    gated_values_in,
    gated_world,
    log_in,
    persona_user,
)

pytestmark = pytest.mark.django_db

STORY_GATED = {"story factuality counts", "story ownership counts"}


@pytest.fixture
def story_url() -> str:
    return reverse("story_detail", kwargs={"slug": gated_world().story.slug})


def client_as(persona: str) -> Client:
    client = Client()
    log_in(client, persona_user(persona))
    return client


def test_the_cache_in_use_is_redis(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_a_premium_render_is_cached_then_not_served_to_free_or_anonymous_readers(story_url):
    premium = client_as("premium").get(story_url)
    assert gated_values_in(premium.text) >= STORY_GATED
    assert cache.get(reader.fragment_key("story", premium["ETag"])) is not None

    free = client_as("free").get(story_url)
    anonymous = Client().get(story_url)

    assert (free.status_code, anonymous.status_code) == (200, 200)
    assert gated_values_in(free.text) == set()
    assert gated_values_in(anonymous.text) == set()
    assert "Upgrade to Premium" in free.text and "Upgrade to Premium" in anonymous.text


def test_a_free_render_cached_first_is_not_served_to_a_premium_member(story_url):
    Client().get(story_url)

    premium = client_as("premium").get(story_url)

    assert gated_values_in(premium.text) >= STORY_GATED


def test_free_and_premium_renders_have_different_etags(story_url):
    premium = client_as("premium").get(story_url)
    free = client_as("free").get(story_url)

    assert premium["ETag"] != free["ETag"]


def test_a_free_reader_cannot_probe_the_premium_etag(story_url):
    premium_etag = client_as("premium").get(story_url)["ETag"]

    probe = client_as("free").get(story_url, headers={"if-none-match": premium_etag})

    assert probe.status_code == 200
    assert gated_values_in(probe.text) == set()


def test_an_expired_member_gets_the_free_page_after_a_premium_render(story_url):
    client_as("premium").get(story_url)

    expired = client_as("expired premium").get(story_url)

    assert gated_values_in(expired.text) == set()


def test_story_pages_are_private_to_the_reader(story_url):
    response = client_as("free").get(story_url)

    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
