"""Editions (/editions/<code>/), their feeds and the remembered choice; home sections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import EditionChoice
from stories import reader
from stories.editions import EDITION_COOKIE, EDITIONS
from stories.models import StoryTopic, Topic, TopicKind
from tests.factories import SourceFactory, story_with_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    """A story from a British outlet, one about Canada from an American outlet, one German."""
    british = SourceFactory(name="Thames Courier", country="GB")
    american = SourceFactory(name="Prairie Ledger", country="US")
    german = SourceFactory(name="Rhein Bote", country="DE")
    canada = Topic.objects.create(kind=TopicKind.PLACE, slug="canada", name="Canada", country="CA")
    story_with_articles(2, sources=[british], headline="Thames barrier closes")
    about_canada = story_with_articles(2, sources=[american], headline="Ottawa budget passes")
    StoryTopic.objects.create(
        story=about_canada, topic=canada, last_updated_at=about_canada.last_updated_at
    )
    story_with_articles(2, sources=[german], headline="Rhine shipping halted")


def test_an_edition_lists_stories_its_outlets_cover(client, stories):
    html = client.get(reverse("edition_detail", args=["uk"])).content.decode()

    assert "Thames barrier closes" in html
    assert "Ottawa budget passes" not in html


def test_an_edition_lists_stories_about_its_places_whoever_covers_them(client, stories):
    html = client.get(reverse("edition_detail", args=["ca"])).content.decode()

    assert "Ottawa budget passes" in html
    assert "Thames barrier closes" not in html


def test_the_europe_edition_holds_every_european_country(client, stories):
    html = client.get(reverse("edition_detail", args=["eu"])).content.decode()

    assert "Thames barrier closes" in html
    assert "Rhine shipping halted" in html
    assert "Ottawa budget passes" not in html


def test_the_international_edition_holds_every_story(client, stories):
    html = client.get(reverse("edition_detail", args=["int"])).content.decode()

    assert all(h in html for h in ("Thames barrier", "Ottawa budget", "Rhine shipping"))


def test_every_edition_the_site_promises_exists():
    names = {edition.name for edition in EDITIONS.values()}

    assert {"United States", "United Kingdom", "Canada", "Australia", "India", "Europe"} <= names
    assert "International" in names


def test_an_unknown_edition_is_not_found(client):
    assert client.get("/editions/xx/").status_code == 404


def test_an_edition_page_runs_two_queries(client, stories, django_assert_num_queries):
    # Front page signature, the edition's stories.
    with django_assert_num_queries(2):
        client.get(reverse("edition_detail", args=["eu"]))


def test_an_edition_has_a_feed(client, stories):
    xml = client.get(reverse("feed_edition_rss", args=["uk"])).content.decode()

    assert "Thames barrier closes" in xml
    assert "Rhine shipping halted" not in xml


def test_an_anonymous_readers_edition_is_remembered_by_a_cookie(client, stories):
    client.post(reverse("edition_choose"), {"edition": "uk"})

    response = client.get(reverse("editions"))

    assert client.cookies[EDITION_COOKIE].value == "uk"
    assert response["Location"] == reverse("edition_detail", args=["uk"])


def test_a_members_edition_is_remembered_on_their_profile(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x" * 12)
    client.force_login(user)
    client.post(reverse("edition_choose"), {"edition": "in"})
    client.cookies.clear()
    client.force_login(user)

    response = client.get(reverse("editions"))

    assert EditionChoice.objects.get(user=user).edition == "in"
    assert response["Location"] == reverse("edition_detail", args=["in"])


def test_without_a_choice_the_editions_link_opens_the_international_edition(client):
    response = client.get(reverse("editions"))

    assert response["Location"] == reverse("edition_detail", args=["int"])


def test_the_home_page_groups_its_stories_into_the_sections_they_belong_to(client):
    for n in range(2):
        story = story_with_articles(2, headline=f"Senate vote {n}")
        story.topic_links = [{"slug": "politics", "name": "Politics", "kind": "section"}]
        story.save(update_fields=["topic_links"])
    Topic.objects.create(kind=TopicKind.SECTION, slug="politics", name="Politics")

    html = client.get(reverse("home")).content.decode()

    sections = html[html.index("By section") :]
    assert 'href="/topics/politics/">Politics</a>' in sections
    assert "Senate vote 0" in sections and "Senate vote 1" in sections


def test_a_section_with_a_single_story_is_not_shown_on_the_home_page(client):
    story = story_with_articles(2, headline="Lone science story")
    story.topic_links = [{"slug": "science", "name": "Science", "kind": "section"}]
    story.save(update_fields=["topic_links"])

    html = client.get(reverse("home")).content.decode()

    assert "By section" not in html


def _filed(headline: str, *sections: str):
    story = story_with_articles(2, headline=headline)
    story.topic_links = [
        {"slug": slug, "name": slug.title(), "kind": "section"} for slug in sections
    ]
    story.save(update_fields=["topic_links"])
    return story


def test_a_story_filed_in_two_sections_is_shown_once_on_the_home_page(client):
    _filed("Rubio backs Orban before Hungary vote", "world", "politics")
    _filed("Geneva talks end", "world")
    _filed("Senate passes budget", "politics")
    _filed("Peru's Congress removes president", "politics")

    html = client.get(reverse("home")).content.decode()

    blocks = html[html.index("By section") :].split('<section class="home-section"')[1:]
    world, politics = sorted(blocks, key=lambda block: ">World</a>" not in block)
    assert "Rubio backs Orban" in world and "Geneva talks end" in world
    assert "Rubio backs Orban" not in politics
    assert "Senate passes budget" in politics and "Peru&#x27;s Congress" in politics


class _Card:
    def __init__(self, name: str, *sections: str) -> None:
        self.name = name
        self.topic_links = [{"slug": s, "name": s.title(), "kind": "section"} for s in sections]


def test_a_story_whose_first_section_is_full_is_shown_in_its_second():
    ranked = [_Card(f"world {n}", "world") for n in range(2)]
    ranked.append(_Card("both", "world", "politics"))
    ranked.append(_Card("politics", "politics"))

    sections = reader.home_sections(ranked, per_section=2)

    shown = {section.slug: [card.name for card in section.stories] for section in sections}
    assert shown == {"world": ["world 0", "world 1"], "politics": ["both", "politics"]}
