from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import ApiToken
from tests.members.factories import MembershipFactory, UserFactory
from tests.members.gating import (
    gated_values_in,
    gated_world,
)

pytestmark = pytest.mark.django_db

TOKEN_MIDDLEWARE = "members.middleware.ApiTokenMiddleware"
AUTH_MIDDLEWARE = "members.middleware.ReaderAuthenticationMiddleware"


def test_the_token_middleware_is_installed_after_authentication():
    from django.conf import settings

    middleware = list(settings.MIDDLEWARE)
    assert middleware.index(TOKEN_MIDDLEWARE) > middleware.index(AUTH_MIDDLEWARE)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_creating_a_token_stores_only_its_digest():
    row, token = services.api_token_create(user=UserFactory(), name="dashboard")

    assert token not in {row.digest, row.prefix}
    assert ApiToken.objects.filter(digest=row.digest).exists()


def test_the_profile_page_shows_a_new_token_once(client):
    client.force_login(UserFactory())

    response = client.post(reverse("api_token_create"), {"name": "dashboard"})

    token = response.context["token"]
    assert token in response.text
    assert token not in client.get(reverse("profile")).text


def test_a_reader_revokes_their_token(client):
    user = UserFactory()
    row, _ = services.api_token_create(user=user, name="old")
    client.force_login(user)

    client.post(reverse("api_token_revoke", args=[row.id]))

    row.refresh_from_db()
    assert row.revoked_at is not None


def test_a_reader_cannot_revoke_someone_elses_token(client):
    row, _ = services.api_token_create(user=UserFactory(), name="theirs")
    client.force_login(UserFactory())

    client.post(reverse("api_token_revoke", args=[row.id]))

    row.refresh_from_db()
    assert row.revoked_at is None


def test_an_unknown_token_is_refused_with_401():
    response = Client().get(reverse("api_story_list"), headers=bearer("nd_nope"))

    assert response.status_code == 401


def test_a_revoked_token_is_refused_with_401():
    user = UserFactory()
    row, token = services.api_token_create(user=user, name="x")
    services.api_token_revoke(user=user, token_id=row.id)

    response = Client().get(reverse("api_story_list"), headers=bearer(token))

    assert response.status_code == 401


def test_a_valid_token_is_accepted_by_the_api():
    _, token = services.api_token_create(user=UserFactory(), name="x")

    response = Client().get(reverse("api_story_list"), headers=bearer(token))

    assert response.status_code == 200


def test_a_token_does_not_sign_in_outside_the_api():
    _, token = services.api_token_create(user=UserFactory(), name="x")

    response = Client().get(reverse("profile"), headers=bearer(token))

    assert response["Location"].startswith(reverse("login"))


def test_api_responses_vary_on_authorization_and_cookie():
    response = Client().get(reverse("api_story_list"))

    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert "private" in response["Cache-Control"]


def test_a_free_readers_token_gets_no_gated_value():
    world = gated_world()
    _, token = services.api_token_create(user=UserFactory(), name="x")

    response = Client().get(
        reverse("api_story_detail", args=[world.story.slug]), headers=bearer(token)
    )

    assert gated_values_in(response.text) == set()


def test_a_premium_members_token_gets_the_gated_story_figures():
    world = gated_world()
    user = MembershipFactory(valid_until=timezone.now() + timedelta(days=3)).user
    _, token = services.api_token_create(user=user, name="x")

    response = Client().get(
        reverse("api_story_detail", args=[world.story.slug]), headers=bearer(token)
    )

    assert {"story factuality counts", "story ownership counts"} <= gated_values_in(response.text)


def test_the_new_token_page_gives_feed_addresses_that_carry_premium_figures():
    world = gated_world()
    member = MembershipFactory(valid_until=timezone.now() + timedelta(days=3)).user
    page = Client()
    page.force_login(member)

    response = page.post(reverse("api_token_create"), {"name": "feed reader"})

    _label, url = response.context["feed_urls"][0]
    assert url in response.text
    feed = Client().get(url.removeprefix("http://testserver"))
    assert world.story.headline in feed.text
    assert {"story factuality counts", "story ownership counts"} <= gated_values_in(feed.text)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("dash\x00board", "Null characters are not allowed."),
        ("d" * 101, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_a_token_name_the_account_cannot_hold_is_refused_with_a_form_error(client, name, error):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("api_token_create"), {"name": name})

    assert response.status_code == 400
    assert error in response.text
    assert not ApiToken.objects.filter(user=user).exists()
