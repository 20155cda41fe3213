"""Pictures on reader pages: stored copies from the site itself, decorative, at no query cost."""

import re

import pytest
from django.db.models import F

from infra import media
from newsdesk.middleware import CONTENT_SECURITY_POLICY
from stories.models import Story
from tests.factories import SourceFactory, StoryFactory

pytestmark = pytest.mark.django_db

IMG = re.compile(r"<img\b[^>]*>")


def images_in(html: str) -> list[str]:
    return IMG.findall(html)


def src_of(tag: str) -> str:
    return re.search(r'src="([^"]*)"', tag).group(1)


def test_a_home_card_shows_its_storys_stored_picture_from_the_site_itself(client, stored_photo):
    key = stored_photo()
    StoryFactory(headline="Lead story", source_count=9)
    StoryFactory(headline="Pictured card", image=key, source_count=2)

    html = client.get("/").content.decode()

    card = html[html.index('<li class="card">') :]
    assert src_of(images_in(card)[0]) == media.image_url(key, "card")
    assert media.image_url(key, "card").startswith("/media/img/")


def test_home_leads_with_its_top_story_its_picture_and_its_first_summary_bullets(
    client, stored_photo
):
    key = stored_photo()
    StoryFactory(headline="Small story", source_count=1)
    StoryFactory(
        headline="Top story",
        source_count=12,
        image=key,
        summary=["First bullet.", "Second bullet.", "Third bullet.", "Fourth bullet."],
    )

    html = client.get("/").content.decode()

    lead = html[html.index('<article class="lead-story') : html.index("</article>")]
    assert "Top story" in lead
    assert media.image_url(key, "card") in lead
    assert re.findall(r"<li>([^<]*)</li>", lead) == [
        "First bullet.",
        "Second bullet.",
        "Third bullet.",
    ]
    assert html.index("Top story") < html.index("Small story")


def test_the_lead_story_is_not_repeated_among_the_cards(client):
    StoryFactory(headline="Top story", source_count=12)
    StoryFactory(headline="Second story", source_count=2)

    html = client.get("/").content.decode()

    assert html.count("Top story") == 1
    assert html.count('<li class="card">') == 1


def test_more_stories_lead_to_page_two_which_has_no_lead(client):
    for index in range(21):
        StoryFactory(headline=f"Story number {index}")

    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()

    assert '<a rel="next" href="?page=2">More stories</a>' in first
    assert "lead-story" not in second
    assert '<a rel="prev" href="?page=1">Newer stories</a>' in second


def test_a_story_without_a_picture_shows_no_image_at_all(client):
    StoryFactory(headline="Unpictured")

    assert images_in(client.get("/").content.decode()) == []


def test_the_story_page_header_shows_the_storys_picture(client, pictured_story):
    html = client.get(pictured_story.get_absolute_url()).content.decode()

    start = html.index('<header class="story-head')
    header = html[start : html.index("</header>", start)]
    assert src_of(images_in(header)[0]) == media.image_url(pictured_story.image, "card")


def test_article_rows_show_the_small_rendition_of_their_own_picture(client, pictured_story):
    html = client.get(pictured_story.get_absolute_url()).content.decode()

    (key,) = {a.image for a in pictured_story.articles.exclude(image="")}
    thumbs = re.findall(r'<img class="article-thumb" src="([^"]*)"', html)
    assert thumbs == [media.image_url(key, "small")] * 5  # 5 of 10 pictured


def test_an_article_row_does_not_repeat_the_picture_the_story_header_shows(client, pictured_story):
    """On the demo, every row of a story repeated the header's picture: nine times the same."""
    key = pictured_story.articles.exclude(image="").first().image
    Story.objects.filter(pk=pictured_story.pk).update(image=key, version=F("version") + 1)

    html = client.get(pictured_story.get_absolute_url()).content.decode()

    assert re.findall(r'<img class="article-thumb"', html) == []


def test_every_outlet_name_in_the_article_list_has_its_icon_or_a_letter_badge(
    client, pictured_story, stored_icon
):
    html = client.get(pictured_story.get_absolute_url()).content.decode()

    sources = re.findall(r'<p class="article-source">\s*(<[^>]*>[^<]*(?:</span>)?)\s*<a', html)
    assert len(sources) == 10
    icons = [s for s in sources if media.icon_url(stored_icon) in s]
    badges = [s for s in sources if 'class="favicon favicon-letter" aria-hidden="true"' in s]
    assert len(icons) + len(badges) == 10
    assert badges == ['<span class="favicon favicon-letter" aria-hidden="true">H</span>'] * 2


def test_every_picture_on_the_story_page_is_decorative_and_local(client, pictured_story):
    html = client.get(pictured_story.get_absolute_url()).content.decode()

    tags = images_in(html)
    assert tags
    assert all('alt=""' in tag and src_of(tag).startswith("/media/") for tag in tags)


def test_the_sources_directory_shows_each_outlets_icon(client, stored_icon):
    SourceFactory(name="Harbor Gazette", favicon=stored_icon)
    SourceFactory(name="Quiet Weekly")

    html = client.get("/sources/").content.decode()

    assert f'<img class="favicon" src="{media.icon_url(stored_icon)}" alt=""' in html
    assert '<span class="favicon favicon-letter" aria-hidden="true">Q</span>' in html


def test_pictures_and_icons_cost_the_story_page_no_extra_query(
    client, pictured_story, django_assert_num_queries
):
    # Version check, story, articles (with their pictures and outlets' icons), similar
    # stories: as without.
    with django_assert_num_queries(4):
        assert client.get(pictured_story.get_absolute_url()).status_code == 200


def test_icons_cost_the_sources_directory_no_extra_query(
    client, stored_icon, django_assert_num_queries
):
    for _ in range(5):
        SourceFactory(favicon=stored_icon)

    with django_assert_num_queries(2):
        assert client.get("/sources/").status_code == 200


def test_pictures_cost_home_no_extra_query(client, stored_photo, django_assert_num_queries):
    key = stored_photo()
    for _ in range(5):
        StoryFactory(image=key)

    # Front page signature, candidate stories (with their pictures and summaries).
    with django_assert_num_queries(2):
        assert client.get("/").status_code == 200


def test_a_stored_picture_is_served_with_a_year_long_immutable_cache(client, stored_photo):
    response = client.get(media.image_url(stored_photo(), "small"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path",
    [
        "/media/img/ab/" + "ab" * 16 + "-card.webp",  # the shape of a name, but no such file
        "/media/img/../../newsdesk/settings.py",
        "/media/img/ab/not-a-key-card.webp",
    ],
)
def test_nothing_but_a_stored_picture_is_served_under_media(client, stored_photo, path):
    stored_photo()

    assert client.get(path).status_code == 404


def test_pictures_may_come_only_from_the_site_itself():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))

    assert directives["img-src"] == "'self'"


def test_a_picture_field_holding_anything_but_a_stored_key_shows_no_image(client):
    StoryFactory(headline="Tampered", image="javascript:alert(1)")

    assert images_in(client.get("/").content.decode()) == []
