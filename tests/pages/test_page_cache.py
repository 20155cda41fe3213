"""Fragment caching (real Redis with REDIS_URL) and conditional GET on reader pages."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import Client, override_settings
from django.utils import timezone

from members.models import Membership
from stories import page_cache
from stories.models import Story
from stories.page_cache import LOCAL_CACHE
from tests.factories import sign_in_premium_member, story_with_articles
from tests.resilience.private_servers import free_port

pytestmark = pytest.mark.django_db


def test_the_rendered_story_body_is_kept_in_the_django_cache(client):
    story = story_with_articles(3, headline="Cached headline")
    client.get(story.get_absolute_url())
    # A change that does not bump the version is not seen: the cached body is served.
    Story.objects.filter(pk=story.pk).update(summary=["Changed without a version bump."])

    html = client.get(story.get_absolute_url()).content.decode()

    assert "Changed without a version bump." not in html


def test_a_version_bump_invalidates_the_cached_story_body(client):
    story = story_with_articles(3)
    client.get(story.get_absolute_url())
    Story.objects.filter(pk=story.pk).update(summary=["Fresh bullet."], version=F("version") + 1)

    html = client.get(story.get_absolute_url()).content.decode()

    assert "Fresh bullet." in html


def test_the_story_body_is_stored_under_a_key_made_of_the_etag_parts(client):
    story = story_with_articles(3, headline="Stored body")

    etag = client.get(story.get_absolute_url())["ETag"]

    assert "Stored body" in cache.get(page_cache.fragment_key("story", etag))


def test_a_conditional_get_with_the_same_etag_is_answered_304(client):
    story = story_with_articles(3)
    etag = client.get(story.get_absolute_url())["ETag"]

    response = client.get(story.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_a_conditional_get_after_a_version_bump_gets_the_new_page(client):
    story = story_with_articles(3)
    etag = client.get(story.get_absolute_url())["ETag"]
    Story.objects.filter(pk=story.pk).update(version=F("version") + 1)

    response = client.get(story.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_the_story_page_sends_last_modified_and_varies_on_cookie(client):
    story = story_with_articles(3)

    response = client.get(story.get_absolute_url())

    assert response["Last-Modified"].endswith("GMT")
    assert "Cookie" in response["Vary"]
    assert "private" in response["Cache-Control"]


def end_premium(user) -> None:
    """The membership ran out a second ago (saved as the admin and services save it, so the
    reader cache drops its copy)."""
    now = timezone.now()
    membership = Membership.objects.get(user=user)
    membership.valid_from = now - timedelta(days=30)
    membership.valid_until = now - timedelta(seconds=1)
    membership.save()


def test_a_reader_whose_premium_ended_is_not_told_by_date_alone_their_story_copy_is_current(
    client,
):
    story = story_with_articles(3)
    sign_in_premium_member(client)
    premium_copy = client.get(story.get_absolute_url())
    end_premium(premium_copy.wsgi_request.user)

    response = client.get(
        story.get_absolute_url(), headers={"if-modified-since": premium_copy["Last-Modified"]}
    )

    assert response.status_code == 200
    assert "To view factuality data please" in response.content.decode()


def test_a_reader_whose_premium_ended_is_not_told_by_date_alone_their_home_copy_is_current(
    client,
):
    story_with_articles(3)
    sign_in_premium_member(client)
    premium_copy = client.get("/")
    end_premium(premium_copy.wsgi_request.user)

    response = client.get("/", headers={"if-modified-since": premium_copy["Last-Modified"]})

    assert response.status_code == 200
    assert response["ETag"] != premium_copy["ETag"]


def test_an_if_modified_since_alone_is_not_answered_304(client):
    story = story_with_articles(3)
    last_modified = client.get(story.get_absolute_url())["Last-Modified"]

    response = client.get(story.get_absolute_url(), headers={"if-modified-since": last_modified})

    assert response.status_code == 200


def test_a_premium_etag_sent_with_a_date_gets_the_free_page_after_premium_ends(client):
    story = story_with_articles(3)
    sign_in_premium_member(client)
    premium_copy = client.get(story.get_absolute_url())
    end_premium(premium_copy.wsgi_request.user)

    response = client.get(
        story.get_absolute_url(),
        headers={
            "if-none-match": premium_copy["ETag"],
            "if-modified-since": premium_copy["Last-Modified"],
        },
    )

    assert response.status_code == 200
    assert response["ETag"] != premium_copy["ETag"]


def test_the_etag_differs_between_free_and_premium_readers(client):
    story = story_with_articles(3)
    free_etag = client.get(story.get_absolute_url())["ETag"]
    sign_in_premium_member(client)

    premium = client.get(story.get_absolute_url(), headers={"if-none-match": free_etag})

    assert premium.status_code == 200
    assert premium["ETag"] != free_etag


def test_a_premium_render_is_never_served_to_a_free_reader(client):
    story = story_with_articles(3)
    sign_in_premium_member(client)
    assert "To view factuality data" not in client.get(story.get_absolute_url()).content.decode()
    client.logout()

    html = client.get(story.get_absolute_url()).content.decode()

    assert "To view factuality data please" in html


def test_the_home_page_answers_a_conditional_get_with_304(client):
    story_with_articles(3)
    etag = client.get("/")["ETag"]

    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


def test_a_story_update_changes_the_home_page_etag(client):
    story = story_with_articles(3)
    etag = client.get("/")["ETag"]
    Story.objects.filter(pk=story.pk).update(headline="New", version=F("version") + 1)

    response = client.get("/", headers={"if-none-match": etag})

    assert response.status_code == 200
    assert "New" in response.content.decode()


def test_within_the_recheck_delay_a_cached_story_page_runs_no_query(
    client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 60)
    story = story_with_articles(3)
    client.get(story.get_absolute_url())

    with django_assert_num_queries(0):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_within_the_recheck_delay_a_version_bump_is_not_yet_seen(client, monkeypatch):
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 60)
    story = story_with_articles(3)
    client.get(story.get_absolute_url())
    Story.objects.filter(pk=story.pk).update(summary=["Fresh bullet."], version=F("version") + 1)

    assert "Fresh bullet." not in client.get(story.get_absolute_url()).content.decode()


def test_after_the_recheck_delay_a_version_bump_is_seen(client, monkeypatch):
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 60)
    story = story_with_articles(3)
    client.get(story.get_absolute_url())
    Story.objects.filter(pk=story.pk).update(summary=["Fresh bullet."], version=F("version") + 1)
    LOCAL_CACHE.delete(page_cache.fragment_key(f"story-head:{story.slug}"))  # the delay has passed

    assert "Fresh bullet." in client.get(story.get_absolute_url()).content.decode()


def test_within_the_recheck_delay_a_cached_home_page_runs_no_query(
    client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("stories.page_cache.RECHECK_SECONDS", 60)
    story_with_articles(3)
    client.get("/")

    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_a_page_rendered_by_another_process_is_served_from_the_shared_cache(
    client, django_assert_num_queries
):
    story = story_with_articles(3, headline="Shared page")
    client.get(story.get_absolute_url())
    page_cache.forget_local_copies()  # as if the next request reached another worker

    with django_assert_num_queries(1):  # the version check only
        html = client.get(story.get_absolute_url()).content.decode()

    assert "Shared page" in html


def redis_unreachable() -> override_settings:
    """The cache is a real Redis client pointed at a loopback port nobody listens on."""
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return override_settings(CACHES=unreachable)


@pytest.fixture
def unreachable_redis() -> Iterator[None]:
    """Redis is unreachable for the test only: the reachable cache is back before the
    page-cache fixture empties it."""
    with redis_unreachable():
        yield


def test_while_redis_is_unreachable_the_home_page_is_rendered_uncached(client, unreachable_redis):
    story_with_articles(3, headline="Rendered without its cache")

    response = client.get("/")

    assert response.status_code == 200
    assert "Rendered without its cache" in response.content.decode()


def test_while_redis_is_unreachable_a_story_page_is_rendered_uncached(client, unreachable_redis):
    story = story_with_articles(3, headline="A story page without its cache")

    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert "A story page without its cache" in response.content.decode()


def _csrf_token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", ["/", "/for-you/", "/editions/uk/"])
def test_a_signed_in_frame_kept_for_one_reader_gives_another_their_own_working_csrf_token(
    django_user_model, path
):
    story_with_articles(3, headline="Framed page")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(django_user_model.objects.create_user("first-reader"))
    second.force_login(django_user_model.objects.create_user("second-reader"))
    first.get(path)

    html = second.get(path).content.decode()
    signed_out = second.post("/accounts/logout/", {"csrfmiddlewaretoken": _csrf_token_in(html)})

    assert signed_out.status_code == 302
    assert "Sign in" in second.get(path).content.decode()


def test_a_members_frame_is_not_shown_to_an_anonymous_reader_nor_the_other_way(
    client, django_user_model
):
    story_with_articles(3, headline="Framed page")
    member = Client()
    member.force_login(django_user_model.objects.create_user("framed-reader"))
    member.get("/")

    anonymous_html = client.get("/").content.decode()
    client.force_login(django_user_model.objects.create_user("second-framed-reader"))
    member_html = client.get("/").content.decode()

    assert "Sign in" in anonymous_html and "Sign out" not in anonymous_html
    assert "Sign out" in member_html and "Sign in" not in member_html


def test_a_signed_in_edition_page_frames_its_own_edition(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("edition-reader"))
    client.get("/editions/uk/")

    html = client.get("/editions/ca/").content.decode()

    assert 'value="ca"' in html and 'value="uk"' not in html


def test_while_redis_is_unreachable_a_signed_in_member_still_gets_for_you(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_user("reader-without-redis"))
    client.get("/for-you/")  # session and account kept in the cache

    with redis_unreachable():
        response = client.get("/for-you/")

    assert response.status_code == 200
    assert "Sign out" in response.content.decode()
