"""No query parameter of a public page or the API, and no form field, can make the site answer
5xx: property-based, with Hypothesis drawing the values (NUL bytes, huge numbers, any script).

The tables below name every parameter and field; a test keeps them in step with the code, so a
new parameter cannot go unprobed. Each property runs a modest number of examples through the
Django test client, so the whole file takes seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletters.models import Newsletter, NewsletterKind
from newsletters.services import issue_get_or_build
from tests.conftest import REPO_ROOT
from tests.factories import StaffFactory, UserFactory, sign_in_premium_member, story_with_articles

pytestmark = pytest.mark.django_db

# Every reader page and API route with the query parameters its view reads; {story} and
# {source} are filled in with real slugs. "/me/…" pages are fetched signed in.
QUERY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "/": ("page",),
    "/stories/{story}/": ("side", "sort"),
    "/blindspot/": (),
    "/sources/": ("bias", "country"),
    "/sources/{source}/": (),
    "/search": ("q",),
    "/methodology/": (),
    "/feeds/top.rss": ("token",),
    "/feeds/blindspot.atom": ("token",),
    "/sources/{source}/feed.rss": ("token",),
    "/api/stories/": ("page",),
    "/api/stories/{story}/": (),
    "/api/sources/": ("bias", "country", "page"),
    "/api/sources/{source}/": (),
    "/upgrade/": (),
    "/me/bias/": ("days",),
    "/me/history/": (),
    "/briefings/": (),
    "/briefings/feed.rss": ("token",),
    "/briefings/{briefing_date}/": (),
    "/admin/newsletters/issue/{issue}/preview/": ("part", "premium"),
}
SIGNED_IN_PREFIXES = ("/me/",)
STAFF_PREFIXES = ("/admin/",)

# Every form a reader can post, with its fields; "signed in" forms are posted signed in.
FORM_FIELDS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "/accounts/login/": (False, ("username", "password")),
    "/accounts/signup/": (False, ("username", "email", "password1", "password2")),
    "/accounts/password/reset/": (False, ("email",)),
    "/accounts/profile/": (True, ("first_name", "last_name", "email")),
    "/accounts/password/change/": (True, ("old_password", "new_password1", "new_password2")),
    "/accounts/tokens/": (True, ("name",)),
}

# Any text a URL or a form can carry (no lone surrogates, which cannot be encoded), with the
# values most likely to upset a parser or the database mixed in.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=120),
    st.sampled_from(
        ["\x00", "a\x00b", "-1", "0", "1e309", "9" * 40, "NaN", " ", "%", "../", "x" * 5000]
    ),
)
PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    database=None,
    # The fixtures (a story, a source, a reader) are made once and shared by the examples on
    # purpose: the property is about the answer to each request, not about fresh data.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(empty_page_cache, settings) -> Iterator[dict[str, str]]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    story = story_with_articles(3)
    source = story.articles.select_related("source").first().source
    newsletter, _ = Newsletter.objects.get_or_create(
        kind=NewsletterKind.DAILY_BRIEFING, defaults={"name": "Daily briefing"}
    )
    now = timezone.now()
    issue = issue_get_or_build(newsletter=newsletter, edition_date=now.date(), now=now)
    yield {
        "story": story.slug,
        "source": source.slug,
        "issue": str(issue.pk),
        "briefing_date": issue.edition_date.isoformat(),
    }


@pytest.fixture
def clients(world) -> dict[str, Client]:
    """One client per kind of reader, shared by a property's examples."""
    member, premium, staff = Client(), Client(), Client()
    member.force_login(UserFactory())
    sign_in_premium_member(premium)
    staff.force_login(StaffFactory())
    return {"anonymous": Client(), "member": member, "premium": premium, "staff": staff}


@pytest.mark.parametrize("route", sorted(QUERY_PARAMETERS))
@given(
    reader=st.sampled_from(["anonymous", "member", "premium"]),
    values=st.lists(TEXT, min_size=1, max_size=4),
    extra_name=TEXT,
)
@PROPERTY_SETTINGS
def test_no_query_parameter_value_makes_a_page_or_the_api_fail(
    world, clients, route, reader, values, extra_name
):
    path = route.format(**world)
    if path.startswith(SIGNED_IN_PREFIXES) and reader == "anonymous":
        reader = "member"
    if path.startswith(STAFF_PREFIXES):
        reader = "staff"  # editors' pages: anyone else is sent to the sign-in
    names = (*QUERY_PARAMETERS[route], extra_name)
    query = dict(zip(names, values, strict=False))

    response = clients[reader].get(path, query)

    assert response.status_code < 500, (path, query)


@pytest.mark.parametrize("form", sorted(FORM_FIELDS))
@given(data=st.data())
@PROPERTY_SETTINGS
def test_no_form_field_value_makes_a_form_fail(world, clients, form, data):
    signed_in, fields = FORM_FIELDS[form]
    values = {field: data.draw(TEXT, label=field) for field in fields}
    # A fresh client for the sign-in forms: one that signs in must not carry over.
    client = clients["member"] if signed_in else Client()

    response = client.post(form, values)

    assert response.status_code < 500, (form, values)


# What the views read from the query: request.GET.get("x"), request.GET["x"], "x" in request.GET.
QUERY_READ = re.compile(
    r"""request\.GET(?:\.get\(|\[)\s*["'](\w+)["']|["'](\w+)["'] in request\.GET"""
)
TOKEN_READ = re.compile(r"request\.GET\[QUERY_TOKEN_PARAMETER\]")


def test_the_table_names_every_query_parameter_the_views_read():
    read = set()
    for path in REPO_ROOT.glob("*/**/*.py"):
        if path.parts[len(REPO_ROOT.parts)] in {"tests", ".venv", "node_modules", "bench"}:
            continue
        text = path.read_text()
        read |= {a or b for a, b in QUERY_READ.findall(text)}
        if TOKEN_READ.search(text):
            read.add("token")

    assert read <= {name for names in QUERY_PARAMETERS.values() for name in names}
    assert "q" in read  # the pattern does find what views read
