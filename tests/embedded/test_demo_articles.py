"""In demo mode an article link opens the article: its fictional outlet's site does not exist."""

import html
import re

import pytest
from django.test import override_settings

from embedded.demo_corpus import load_corpus
from embedded.first_run import DEMO_CORPUS_DIR
from stories.models import Story
from tests.embedded.test_first_run import replayed, story_key_of
from tests.factories import ArticleFactory

__all__ = ["replayed"]


@pytest.mark.django_db(transaction=True)
def test_following_a_demo_article_link_shows_the_article_text(client, replayed):
    story = Story.objects.filter(merged_into=None).order_by("-source_count").first()
    with override_settings(DEMO_MODE_MARKER=replayed / "demo-mode"):
        story_page = client.get(f"/stories/{story.slug}/").text
        link = re.search(r'<h3 class="article-title"><a href="([^"]+)"', story_page).group(1)
        response = client.get(link, follow=True)

    assert response.status_code == 200
    assert ".example" not in response.redirect_chain[-1][0]
    opened = story.articles.get(id=int(link.rstrip("/").rsplit("/", 1)[-1]))
    written = next(
        a
        for a in load_corpus(DEMO_CORPUS_DIR).articles
        if a.outlet_slug == opened.source.slug and a.story_key == story_key_of(opened)
    )
    page = html.unescape(response.text)
    assert written.title in page
    assert written.body.split("\n")[0][:120] in page


@pytest.mark.django_db
def test_outside_demo_mode_an_article_link_still_goes_to_the_outlet(client, tmp_path):
    article = ArticleFactory(url="https://outlet.example/news/1")
    with override_settings(DEMO_MODE=False, DEMO_MODE_MARKER=tmp_path / "absent"):
        response = client.get(f"/go/{article.id}/")
    assert response["Location"] == "https://outlet.example/news/1"


@pytest.mark.django_db
def test_a_real_outlets_article_is_never_shown_on_the_site(client):
    article = ArticleFactory(
        url="https://www.bbc.co.uk/news/1",
        canonical_url="https://www.bbc.co.uk/news/1",
        text="Stored text",
    )
    assert client.get(f"/articles/{article.id}/").status_code == 404
