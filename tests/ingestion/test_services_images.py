"""Fetching and storing pictures through the real HTTP client, from a real loopback server."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from infra import media
from ingestion import services
from ingestion.services.common import TransientIngestionError
from sources.models import Source
from stories.models import Article, ArticleStatus
from tests.factories import ArticleFactory, SourceFactory, story_with_articles
from tests.ingestion import pictures

# The resilience suite's loopback server, whose answers each test writes (fixtures).
from tests.resilience.conftest import hostile_server, hostile_server_process  # noqa: F401

pytestmark = pytest.mark.django_db

JPEG = "image/jpeg"


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def server(request: pytest.FixtureRequest, media_root: Path):
    """The loopback server, allow-listed, with pictures written to a fresh MEDIA_ROOT."""
    return request.getfixturevalue("hostile_server")


def article_with_picture(url: str) -> Article:
    return ArticleFactory(image_url=url, status=ArticleStatus.EXTRACTED)


def stored(media_root: Path, key: str, rendition: str) -> Image.Image:
    return Image.open(media_root / media.image_name(key, rendition))


def test_an_articles_picture_is_fetched_resized_and_stored_as_local_webp(server, media_root):
    article = article_with_picture(server.serve("/photo.jpg", pictures.photo(), content_type=JPEG))

    outcome = services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert outcome.status == "stored"
    assert article.image == outcome.key
    assert stored(media_root, article.image, "card").size == media.RENDITIONS["card"]
    assert stored(media_root, article.image, "small").format == "WEBP"


def test_the_stored_copy_carries_none_of_the_originals_metadata(server, media_root):
    article = article_with_picture(server.serve("/photo.jpg", pictures.photo(), content_type=JPEG))

    key = services.article_image_fetch(article_id=article.id).key

    assert dict(stored(media_root, key, "card").getexif()) == {}


def test_a_picture_already_tried_is_not_fetched_again(server):
    article = article_with_picture(server.serve("/photo.jpg", pictures.photo(), content_type=JPEG))
    services.article_image_fetch(article_id=article.id)

    again = services.article_image_fetch(article_id=article.id)

    assert again.status == "skipped"
    assert server.hits["/photo.jpg"] == 1


def test_two_articles_with_the_same_picture_share_its_files(server, media_root):
    url = server.serve("/photo.jpg", pictures.photo(), content_type=JPEG)
    first, second = article_with_picture(url), article_with_picture(url)

    keys = {services.article_image_fetch(article_id=a.id).key for a in (first, second)}

    assert len(keys) == 1
    assert len(list(media_root.rglob("*.webp"))) == len(media.RENDITIONS)


def test_a_picture_claiming_huge_dimensions_is_rejected_and_the_reason_recorded(server, media_root):
    bomb = pictures.png_header_only(60_000, 60_000)
    article = article_with_picture(server.serve("/bomb.png", bomb, content_type="image/png"))

    outcome = services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert outcome.status == "failed"
    assert article.image == ""
    assert "pixel limit" in article.image_error
    assert not media_root.exists() or not any(media_root.rglob("*.webp"))


def test_a_page_served_as_a_jpeg_is_rejected(server):
    page = b"<!doctype html><html><body>Sign in to see this photo</body></html>"
    article = article_with_picture(server.serve("/fake.jpg", page, content_type=JPEG))

    services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert article.image == ""
    assert "not a picture" in article.image_error


def test_a_real_picture_served_as_html_is_rejected_by_its_content_type(server):
    article = article_with_picture(
        server.serve("/photo", pictures.photo(), content_type="text/html; charset=utf-8")
    )

    services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert article.image == ""
    assert "served as text/html" in article.image_error


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/photo.jpg",
        "http://10.0.0.7/photo.jpg",
        "http://127.0.0.1:9/photo.jpg",
    ],
    ids=["cloud-metadata", "private", "other-loopback-port"],
)
def test_a_picture_on_a_private_address_is_never_requested(server, url):
    article = article_with_picture(url)

    services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert article.image == ""
    assert article.image_error.startswith("blocked_address")


def test_a_redirect_to_a_private_address_is_refused(server):
    server.serve(
        "/moved.jpg", b"", status=302, headers={"Location": "http://192.168.1.1/photo.jpg"}
    )
    article = article_with_picture(server.url("/moved.jpg"))

    services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert article.image_error.startswith("blocked_address")


def test_a_picture_over_the_size_cap_is_cut_off_unstored(server):
    huge = b"\xff\xd8\xff" + bytes(6 * 1024 * 1024)
    article = article_with_picture(server.serve("/huge.jpg", huge, content_type=JPEG))

    services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert article.image_error.startswith("too_large")


def test_a_server_error_is_left_for_a_retry_when_retries_remain(server):
    article = article_with_picture(server.serve("/busy.jpg", b"oops", status=503))

    with pytest.raises(TransientIngestionError):
        services.article_image_fetch(article_id=article.id, retry=True)

    article.refresh_from_db()
    assert article.image_checked_at is None


def test_a_stored_picture_becomes_its_storys_picture_and_renews_its_cached_pages(server):
    story = story_with_articles(2)
    article = story.articles.order_by("published_at").first()
    article.image_url = server.serve("/photo.jpg", pictures.photo(), content_type=JPEG)
    article.save()
    version = story.version

    key = services.article_image_fetch(article_id=article.id).key

    story.refresh_from_db()
    assert story.image == key
    assert story.version == version + 1


def home_page(icon_href: str) -> bytes:
    link = f'<link rel="icon" type="image/png" sizes="96x96" href="{icon_href}">'
    return f"<!doctype html><html><head>{link}</head><body>News</body></html>".encode()


def outlet(server) -> Source:
    return SourceFactory(homepage=server.url("/"))


def test_an_outlets_icon_declared_on_its_home_page_is_stored(server, media_root):
    server.serve("/", home_page("/assets/logo.png"), content_type="text/html")
    server.serve("/assets/logo.png", pictures.wide_logo(), content_type="image/png")
    source = outlet(server)

    outcome = services.source_favicon_fetch(source_id=source.id)

    source.refresh_from_db()
    assert outcome.status == "stored"
    icon = Image.open(media_root / media.icon_name(source.favicon))
    assert (icon.format, icon.size) == ("WEBP", (media.ICON_SIZE, media.ICON_SIZE))


def test_an_outlet_declaring_no_icon_gets_its_favicon_ico(server):
    server.serve("/", b"<html><head><title>News</title></head></html>", content_type="text/html")
    server.serve("/favicon.ico", pictures.icon(), content_type="application/octet-stream")
    source = outlet(server)

    services.source_favicon_fetch(source_id=source.id)

    source.refresh_from_db()
    assert media.is_picture_key(source.favicon)


def test_an_outlet_without_any_icon_keeps_none_and_says_why(server):
    source = outlet(server)

    outcome = services.source_favicon_fetch(source_id=source.id)

    source.refresh_from_db()
    assert outcome.status == "failed"
    assert source.favicon == ""
    assert "favicon.ico: http_status" in source.favicon_error


def test_an_outlets_icon_is_not_looked_for_again_within_a_month(server):
    source = outlet(server)
    services.source_favicon_fetch(source_id=source.id)
    hits = sum(server.hits.values())

    again = services.source_favicon_fetch(source_id=source.id)

    assert again.status == "skipped"
    assert sum(server.hits.values()) == hits


def test_a_month_old_look_for_an_icon_is_made_again(server):
    source = outlet(server)
    Source.objects.filter(pk=source.pk).update(
        favicon_checked_at=timezone.now() - timedelta(days=31)
    )

    assert services.source_favicon_fetch(source_id=source.id).status == "failed"
    assert server.hits["/favicon.ico"] == 1


def test_a_feed_entrys_picture_reaches_its_article_and_is_stored(server, make_feed, media_root):
    photo = server.serve("/photo.jpg", pictures.photo(), content_type=JPEG)
    feed = make_feed(
        server.serve(
            "/feed.xml",
            (
                '<?xml version="1.0"?><rss version="2.0" '
                'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title>'
                f"<item><title>Bridge reopens</title><link>{server.url('/gone')}</link>"
                f'<media:content url="{photo}" medium="image" width="1200"/></item>'
                "</channel></rss>"
            ).encode(),
        )
    )
    services.feed_fetch(feed_id=feed.id, queue=False)
    article = Article.objects.get(feed=feed)
    services.article_extract(article_id=article.id)  # the page is gone: feed only

    services.article_image_fetch(article_id=article.id)

    article.refresh_from_db()
    assert article.status == ArticleStatus.FEED_ONLY
    assert article.image_url == photo
    assert (media_root / media.image_name(article.image, "card")).is_file()
