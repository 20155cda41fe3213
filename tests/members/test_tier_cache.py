"""A story page rendered for a premium member is never served to anyone else.

The story body is cached in Redis (the real cache of the services mode, ``REDIS_URL``) and
keyed by the viewer's tier; these tests render the same story as premium, then as free, then
anonymously, and check what each reader received, including through conditional requests.
The feeds are not cached on the server; the same sequence checks they stay that way (no
cache entry holds a premium feed) and that their ETags cannot be used to probe either.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from members import services
from stories import page_cache
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
    assert cache.get(page_cache.fragment_key("story", premium["ETag"])) is not None

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


FEEDS = ("feed_top_rss", "feed_top_atom", "feed_blindspot_rss", "feed_source_atom")


def feed_urls() -> list[str]:
    world = gated_world()
    return [
        reverse(name, args=[world.source.slug]) if "source" in name else reverse(name)
        for name in FEEDS
    ]


def cache_entries_with_gated_values() -> list[str]:
    """Keys of the real Redis cache whose stored value carries a gated value."""
    redis = cache._cache.get_client(write=False)
    found = []
    for key in redis.scan_iter(match=f"{cache.key_prefix}*"):
        raw = redis.get(key)
        if isinstance(raw, bytes) and gated_values_in(raw.decode("latin-1")):
            found.append(key.decode())
    return found


def test_premium_feeds_then_free_then_anonymous_through_the_real_cache():
    urls = feed_urls()
    premium = client_as("premium")
    _, token = services.api_token_create(user=persona_user("premium"), name="reader")

    for url in urls:
        assert gated_values_in(premium.get(url).text) >= STORY_GATED
        assert gated_values_in(Client().get(url, {"token": token}).text) >= STORY_GATED
    free = client_as("free")
    for url in urls:
        assert gated_values_in(free.get(url).text) == set()
        assert gated_values_in(Client().get(url).text) == set()


def test_premium_feeds_leave_no_gated_value_in_the_shared_cache():
    premium = client_as("premium")
    for url in feed_urls():
        premium.get(url)

    assert cache_entries_with_gated_values() == []


def test_a_free_reader_cannot_probe_a_premium_feed_with_its_etag():
    url = feed_urls()[0]
    premium_etag = client_as("premium").get(url)["ETag"]

    probe = client_as("free").get(url, headers={"if-none-match": premium_etag})
    anonymous = Client().get(url, headers={"if-none-match": premium_etag})

    assert (probe.status_code, anonymous.status_code) == (200, 200)
    assert gated_values_in(probe.text) == gated_values_in(anonymous.text) == set()


def test_the_story_page_cache_holds_premium_values_only_under_the_premium_tier(story_url):
    client_as("premium").get(story_url)
    free_etag = client_as("free").get(story_url)["ETag"]

    leaking = [key for key in cache_entries_with_gated_values() if free_etag in key]

    assert cache_entries_with_gated_values() != []
    assert leaking == []
