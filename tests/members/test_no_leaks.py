"""No gated value reaches a reader without premium, on any URL of the project.

Table-driven: every URL pattern of the root URLconf (reader pages, API, feeds, accounts,
admin …) is requested as each persona, with URLs built from real objects. Free, anonymous
and expired-premium readers must get none of the gated values; premium readers and staff
must get them where the table below says they are shown. The URLs that take an API token
(the API and the feeds) are requested again with each persona's token instead of a session:
as ``Authorization: Bearer`` everywhere, and as ``?token=`` where a feed reader needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from members import services
from members.models import ReadEvent
from newsletters import services as newsletter_services
from newsletters.models import Issue, Newsletter, NewsletterKind
from tests.members.gating import (
    PERSONAS,
    PREMIUM_PERSONAS,
    GatedWorld,
    gated_values_in,
    gated_world,
    log_in,
    persona_user,
    save_for,
)

pytestmark = pytest.mark.django_db

# Where premium readers must find each gated value (URL pattern name → gated value names).
PREMIUM_SHOWS: dict[str, set[str]] = {
    "story_detail": {"story factuality counts", "story ownership counts"},
    "api_story_detail": {"story factuality counts", "story ownership counts"},
    "source_detail": {"source owner name", "source factuality as published"},
    "api_source_detail": {"source owner name", "source factuality as published"},
    "api_source_list": {"source owner name"},
    **{
        f"feed_{feed}_{kind}": {"story factuality counts", "story ownership counts"}
        for feed in ("top", "blindspot", "source", "topic", "edition")
        for kind in ("rss", "atom")
    },
    "feed_saved_rss": {"story factuality counts", "story ownership counts"},
    # Newsletter issues show the factuality of each story's sources (not its ownership).
    "briefing_detail": {"story factuality counts"},
    "feed_briefings_rss": {"story factuality counts"},
    "feed_briefings_atom": {"story factuality counts"},
}


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    """(route as a regex string, qualified name or "", pattern) for every endpoint."""
    for entry in patterns:
        route = prefix + entry.pattern.regex.pattern.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route.removesuffix("\\Z"), inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield route.removesuffix("\\Z"), name, entry


def _admin_model_pk(route: str) -> str:
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    model = apps.get_model(match.group(1), match.group(2))
    first = model._default_manager.order_by("pk").first()
    return str(first.pk) if first else "1"


def briefing_of(world: GatedWorld) -> Issue:
    """Today's daily briefing, built from the world's stories (its story among them)."""
    newsletter, _ = Newsletter.objects.get_or_create(
        kind=NewsletterKind.DAILY_BRIEFING, defaults={"name": "Daily briefing"}
    )
    now = timezone.now()
    return newsletter_services.issue_get_or_build(
        newsletter=newsletter, edition_date=now.date(), now=now
    )


def kwargs_for(route: str, params: list[str], world: GatedWorld, user) -> dict[str, object]:
    values: dict[str, object] = {}
    for param in params:
        if param == "slug" and "topics" in route:
            values[param] = world.topic.slug
        elif param == "slug":
            values[param] = world.story.slug if "stories" in route else world.source.slug
        elif param == "code":  # an edition: the world's outlets are American
            values[param] = "us"
        elif param == "article_id":
            values[param] = str(world.article.pk)
        elif param == "token_id":
            values[param] = "1"
        elif param == "event_id":
            event = ReadEvent.objects.order_by("pk").first()
            values[param] = str(event.pk)
        elif param == "token" and route.startswith("newsletters/"):
            values[param] = "not-a-signed-token"
        elif param in ("edition_date", "issue_id"):
            issue = briefing_of(world)
            values[param] = str(issue.pk) if param == "issue_id" else issue.edition_date
        elif param in ("uidb64", "token"):
            values["uidb64"] = urlsafe_base64_encode(force_bytes(world.reader.pk))
            values["token"] = default_token_generator.make_token(world.reader)
        elif param == "object_id" and route.startswith("admin/r/"):
            values[param] = str(world.story.pk)
        elif param in ("object_id", "id"):
            values[param] = _admin_model_pk(route)
        elif param == "content_type_id":
            values[param] = str(ContentType.objects.get_for_model(world.story).pk)
        elif param == "app_label":
            # The admin lists its apps in the pattern: take the first one.
            values[param] = re.search(r"\(\?P<app_label>([\w]+)", route).group(1)
        elif param == "url":
            values[param] = "no-such-page/"
        elif param == "claim":  # a confirmation link for a new e-mail address
            values[param] = "not-a-signed-claim"
        elif param == "path":  # a stored picture's file (none stored here: a 404)
            values[param] = f"img/ab/{'ab' * 16}-card.webp"
        else:
            pytest.fail(f"no value for <{param}> in {route!r}: add one to kwargs_for")
    return values


def path_for(route: str, name: str, pattern: URLPattern, world: GatedWorld, user) -> str:
    params = list(pattern.pattern.regex.groupindex)
    kwargs = kwargs_for(route, params, world, user)
    if name:
        return reverse(name, kwargs=kwargs)
    # Unnamed (the admin's catch-all): fill the groups into the route by hand.
    path = route
    for param, value in kwargs.items():
        path = re.sub(rf"\(\?P<{param}>[^)]*\)", value, path)
    return "/" + path


def every_url(world: GatedWorld, user) -> list[tuple[str, str]]:
    urls = []
    for route, name, pattern in walk(get_resolver().url_patterns):
        path = path_for(route, name, pattern, world, user)
        if name == "search":
            path += f"?q={world.story.headline.split()[0]}"
        urls.append((name or route, path))
    return urls


def responses_as(client, persona: str):
    world = gated_world()
    briefing_of(world)
    user = persona_user(persona)
    world.reader = user if user.is_authenticated else persona_user("free")
    ReadEvent.objects.create(
        user=world.reader, article=world.article, read_at=world.story.first_seen_at
    )
    save_for(world, user)
    log_in(client, user)
    for name, path in every_url(world, user):
        response = client.get(path)
        text = response.content.decode(errors="replace") + response.get("Location", "")
        yield name, path, response, text


def test_the_table_covers_the_reader_pages_and_the_members_pages():
    names = {name for _, name, _ in walk(get_resolver().url_patterns)}

    assert {
        "story_detail",
        "source_detail",
        "api_story_detail",
        "my_news_bias",
        "outbound",
    } <= names


@pytest.mark.parametrize("persona", ["anonymous", "free", "expired premium"])
def test_readers_without_premium_get_no_gated_value_on_any_url(client, persona):
    leaks, server_errors = {}, {}
    for name, path, response, text in responses_as(client, persona):
        if found := gated_values_in(text):
            leaks[f"{name} {path}"] = sorted(found)
        if response.status_code >= 500:
            server_errors[f"{name} {path}"] = response.status_code

    assert leaks == {}
    # A page that fails shows nothing, gated or not: it must not pass for a clean one.
    assert server_errors == {}


@pytest.mark.parametrize("persona", PREMIUM_PERSONAS)
def test_premium_readers_get_the_gated_values_where_they_are_shown(client, persona):
    missing = {}
    for name, path, response, text in responses_as(client, persona):
        assert response.status_code < 500, f"{name} {path}"
        expected = PREMIUM_SHOWS.get(name, set())
        if expected - gated_values_in(text):
            missing[f"{name} {path} ({response.status_code})"] = sorted(
                expected - gated_values_in(text)
            )

    assert missing == {}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("persona", PREMIUM_PERSONAS)
def test_every_response_carrying_gated_values_is_private(client, persona):
    shareable = {
        f"{name} {path}": sorted(cache_control(response))
        for name, path, response, text in responses_as(client, persona)
        if gated_values_in(text) and not cache_control(response) & {"private", "no-store"}
    }

    assert shareable == {}


def test_every_url_named_in_the_table_exists():
    names = {name for _, name, _ in walk(get_resolver().url_patterns)}

    assert set(PREMIUM_SHOWS) <= names


def token_urls(world: GatedWorld, user) -> list[tuple[str, str, bool]]:
    """(name, path, takes ``?token=``) of every URL that signs a reader in by API token."""
    urls = []
    for route, name, pattern in walk(get_resolver().url_patterns):
        view = pattern.callback
        if route.startswith("api/") or getattr(view, "accepts_api_token", False):
            path = path_for(route, name, pattern, world, user)
            urls.append((name, path, getattr(view, "accepts_query_token", False)))
    return urls


def token_responses_as(client, persona: str):
    """Every token URL with the persona's token, as a header and (feeds) in the query."""
    world = gated_world()
    briefing_of(world)
    user = persona_user(persona)
    _, token = services.api_token_create(user=user, name="feed reader")
    save_for(world, user)
    for name, path, takes_query in token_urls(world, user):
        ways = [("header", path, {"authorization": f"Bearer {token}"})]
        if takes_query:
            ways.append(("query", f"{path}?token={token}", {}))
        for way, url, headers in ways:
            response = client.get(url, headers=headers)
            yield f"{name} by {way}", response, response.content.decode(errors="replace")


def test_the_token_table_covers_the_api_and_every_feed():
    urls = token_urls(gated_world(), persona_user("free"))
    names = {name for name, _, _ in urls}
    by_query = {name for name, _, takes_query in urls if takes_query}

    assert {"api_story_detail", "api_source_detail"} <= names
    feeds = {name for name in PREMIUM_SHOWS if name.startswith("feed_")}
    assert by_query == feeds


@pytest.mark.parametrize("persona", ["free", "expired premium"])
def test_tokens_of_readers_without_premium_get_no_gated_value(client, persona):
    leaks, statuses = {}, set()
    for name, response, text in token_responses_as(client, persona):
        statuses.add(response.status_code)
        if found := gated_values_in(text):
            leaks[name] = sorted(found)

    assert leaks == {}
    assert statuses == {200}


@pytest.mark.parametrize("persona", PREMIUM_PERSONAS)
def test_tokens_of_premium_readers_get_the_gated_values_where_they_are_shown(client, persona):
    missing = {}
    for name, response, text in token_responses_as(client, persona):
        expected = PREMIUM_SHOWS.get(name.split(" by ")[0], set())
        if lacking := expected - gated_values_in(text):
            missing[f"{name} ({response.status_code})"] = sorted(lacking)

    assert missing == {}


@pytest.mark.parametrize("persona", PREMIUM_PERSONAS)
def test_every_token_response_carrying_gated_values_is_private(client, persona):
    shareable = {
        name: sorted(cache_control(response))
        for name, response, text in token_responses_as(client, persona)
        if gated_values_in(text) and "private" not in cache_control(response)
    }

    assert shareable == {}


def test_an_unknown_token_on_any_token_url_is_refused_without_gated_values(client):
    world = gated_world()
    refused = {}
    for name, path, takes_query in token_urls(world, persona_user("free")):
        attempts = [client.get(path, headers={"authorization": "Bearer nd_forged"})]
        if takes_query:
            attempts.append(client.get(f"{path}?token=nd_forged"))
        refused[name] = {
            (r.status_code, bool(gated_values_in(r.content.decode()))) for r in attempts
        }

    assert {name: outcome for name, outcome in refused.items() if outcome != {(401, False)}} == {}


def test_every_persona_is_covered():
    assert set(PERSONAS) == {"anonymous", "free", "expired premium", *PREMIUM_PERSONAS}
