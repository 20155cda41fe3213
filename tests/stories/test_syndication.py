"""Premium figures in the RSS/Atom feeds: who gets them, how, and that no cache mixes readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import GrantOrigin
from stories.syndication import FIGURES_NAMESPACE
from tests.factories import StoryFactory, story_with_articles
from tests.members.factories import MembershipFactory, UserFactory
from tests.members.gating import FACTUALITY_COUNTS, OWNERSHIP_COUNTS, gated_values_in, gated_world

pytestmark = pytest.mark.django_db

ND = f"{{{FIGURES_NAMESPACE}}}"
STORY_GATED = {"story factuality counts", "story ownership counts"}
TOP_RSS = "/feeds/top.rss"
TOP_ATOM = "/feeds/top.atom"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The readers' passwords are never checked here; the production hasher's cost is not tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def premium_member():
    return MembershipFactory(valid_until=timezone.now() + timedelta(days=30)).user


def token_of(user) -> str:
    return services.api_token_create(user=user, name="feed reader")[1]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures_in(content: bytes, element: str) -> dict[str, int]:
    """The ``nd:<element>`` counts of the first item or entry, by key."""
    found = ET.fromstring(content).find(f".//{ND}{element}")
    if found is None:
        return {}
    return {node.get("key"): int(node.text) for node in found.iter(f"{ND}sources")}


@pytest.fixture
def world():
    return gated_world()


@pytest.mark.parametrize("url", [TOP_RSS, TOP_ATOM])
def test_a_premium_member_signed_in_gets_the_factuality_and_ownership_elements(world, url):
    content = signed_in(premium_member()).get(url).content

    assert figures_in(content, "factuality").items() >= FACTUALITY_COUNTS.items()
    assert figures_in(content, "ownership").items() >= OWNERSHIP_COUNTS.items()


def test_a_premium_item_description_says_the_factuality_and_ownership(world):
    content = signed_in(premium_member()).get(TOP_RSS).content

    description = ET.fromstring(content).find(".//item/description").text
    assert f"Factuality of the sources: {FACTUALITY_COUNTS['very_high']} Very High" in description
    assert (
        f"Ownership of the sources: {OWNERSHIP_COUNTS['media_conglomerate']} Media Conglomerate"
        in description
    )


@pytest.mark.parametrize("url", [TOP_RSS, TOP_ATOM])
def test_a_free_reader_gets_no_figures_and_the_upgrade_prompt(world, url):
    response = signed_in(UserFactory()).get(url)

    assert figures_in(response.content, "factuality") == {}
    assert gated_values_in(response.text) == set()
    assert "Upgrade to Premium at http://testserver/upgrade/" in response.text


def test_an_anonymous_reader_gets_no_figures(world):
    response = Client().get(TOP_RSS)

    assert response.status_code == 200
    assert gated_values_in(response.text) == set()


def test_an_expired_membership_gets_no_figures(world):
    now = timezone.now()
    user = MembershipFactory(valid_from=now - timedelta(days=30), valid_until=now).user

    assert gated_values_in(signed_in(user).get(TOP_RSS).text) == set()


def test_a_premium_token_in_the_authorization_header_gets_the_figures(world):
    token = token_of(premium_member())

    response = Client().get(TOP_RSS, headers={"authorization": f"Bearer {token}"})

    assert gated_values_in(response.text) >= STORY_GATED


def test_a_premium_token_in_the_feed_url_gets_the_figures(world):
    token = token_of(premium_member())

    response = Client().get(TOP_ATOM, {"token": token})

    assert gated_values_in(response.text) >= STORY_GATED


def test_the_token_is_not_written_into_the_feed(world):
    token = token_of(premium_member())

    response = Client().get(TOP_ATOM, {"token": token})

    assert token not in response.text
    assert "token=" not in response.text


def test_a_free_readers_token_gets_no_figures(world):
    response = Client().get(TOP_RSS, {"token": token_of(UserFactory())})

    assert response.status_code == 200
    assert gated_values_in(response.text) == set()


def test_a_token_signs_in_for_that_request_only(world):
    client = Client()
    client.get(TOP_RSS, {"token": token_of(premium_member())})

    assert gated_values_in(client.get(TOP_RSS).text) == set()
    assert "_auth_user_id" not in client.session


def test_a_revoked_token_in_the_feed_url_is_refused(world):
    user = premium_member()
    row, token = services.api_token_create(user=user, name="old reader")
    services.api_token_revoke(user=user, token_id=row.id)

    response = Client().get(TOP_RSS, {"token": token})

    assert response.status_code == 401
    assert gated_values_in(response.text) == set()
    assert "private" in response["Cache-Control"]


def test_a_token_in_the_query_does_not_sign_in_to_the_json_api(world):
    token = token_of(premium_member())

    response = Client().get(reverse("api_story_detail", args=[world.story.slug]), {"token": token})

    assert response.status_code == 200
    assert gated_values_in(response.text) == set()


def test_a_token_does_not_write_to_a_feed(world):
    token = token_of(premium_member())

    assert Client().post(TOP_RSS, headers={"authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize("who", ["anonymous", "free", "premium"])
def test_feed_responses_are_private_and_vary_on_credentials(world, who):
    client = {
        "anonymous": Client(),
        "free": signed_in(UserFactory()),
        "premium": signed_in(premium_member()),
    }[who]

    response = client.get(TOP_RSS)

    assert {"private", "no-cache"} <= {v.strip() for v in response["Cache-Control"].split(",")}
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_premium_feed_by_query_token_is_private(world):
    response = Client().get(TOP_RSS, {"token": token_of(premium_member())})

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_an_unchanged_feed_is_answered_304_to_the_same_reader(world):
    client = signed_in(premium_member())
    etag = client.get(TOP_RSS)["ETag"]

    response = client.get(TOP_RSS, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert "private" in response["Cache-Control"]


def test_a_free_reader_cannot_probe_the_premium_feed_etag(world):
    premium_etag = signed_in(premium_member()).get(TOP_RSS)["ETag"]

    probe = signed_in(UserFactory()).get(TOP_RSS, headers={"if-none-match": premium_etag})

    assert probe.status_code == 200
    assert probe["ETag"] != premium_etag
    assert gated_values_in(probe.text) == set()


def test_a_reader_who_became_premium_is_not_told_their_free_copy_is_current(world):
    user = UserFactory()
    client = signed_in(user)
    free = client.get(TOP_RSS)
    MembershipFactory(user=user, valid_until=timezone.now() + timedelta(days=1))

    response = client.get(
        TOP_RSS,
        headers={"if-none-match": free["ETag"], "if-modified-since": free["Last-Modified"]},
    )
    by_date_only = client.get(TOP_RSS, headers={"if-modified-since": free["Last-Modified"]})

    assert response.status_code == by_date_only.status_code == 200
    assert gated_values_in(response.text) >= STORY_GATED


def test_the_source_feeds_carry_the_figures_for_premium(world):
    client = signed_in(premium_member())

    for name in ("feed_source_rss", "feed_source_atom"):
        content = client.get(reverse(name, args=[world.source.slug])).content
        assert figures_in(content, "ownership").items() >= OWNERSHIP_COUNTS.items()


def test_the_blindspot_feed_carries_the_figures_for_premium(world):
    content = signed_in(premium_member()).get("/feeds/blindspot.rss").content

    assert figures_in(content, "factuality").items() >= FACTUALITY_COUNTS.items()


@pytest.mark.parametrize("story_count", [3, 30])
def test_a_premium_feed_by_token_runs_four_queries_whatever_its_length(
    django_assert_num_queries, story_count
):
    for _ in range(story_count):
        story_with_articles(2)
    token = token_of(premium_member())

    # token and user, membership, stories, their figures
    with django_assert_num_queries(4):
        response = Client().get(TOP_RSS, {"token": token})

    assert len(ET.fromstring(response.content).findall(f".//{ND}factuality")) == story_count


def test_a_premium_feed_by_session_runs_four_queries(django_assert_num_queries):
    StoryFactory.create_batch(10)
    client = signed_in(premium_member())

    # user and membership (then kept in the reader cache; the session is cached), stories,
    # their figures
    with django_assert_num_queries(4):
        assert client.get(TOP_ATOM).status_code == 200


def test_a_revoked_member_holding_the_premium_etag_gets_the_free_feed(world):
    user = premium_member()
    token = token_of(user)
    etag = Client().get(TOP_RSS, {"token": token})["ETag"]
    services.membership_revoke_premium(
        user=user, actor=None, reason="refund", origin=GrantOrigin.COMMAND
    )

    response = Client().get(TOP_RSS, {"token": token}, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert gated_values_in(response.text) == set()
