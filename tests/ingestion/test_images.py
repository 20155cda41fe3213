"""ingestion.images: fetched bytes → the small WebP files pages show; nothing hostile through."""

from io import BytesIO

import pytest
from PIL import Image

from infra.media import ICON_SIZE, RENDITIONS
from ingestion.images import (
    MAX_PHOTO_BYTES,
    PictureRejectedError,
    icon_candidates,
    picture_key,
    render_icon,
    render_photo,
)
from tests.ingestion import pictures


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_a_photo_becomes_a_card_and_a_small_rendition_in_webp():
    renditions = render_photo(pictures.photo())

    assert set(renditions) == set(RENDITIONS)
    for name, data in renditions.items():
        image = opened(data)
        assert image.format == "WEBP"
        assert image.size == RENDITIONS[name]


def test_a_stored_rendition_keeps_no_camera_or_gps_metadata():
    original = pictures.photo()
    assert opened(original).getexif().get(pictures.EXIF_MAKE) == "Newsdesk Test Camera"

    card = opened(render_photo(original)["card"])

    assert dict(card.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp"} & set(card.info)


def test_a_png_gif_or_webp_photo_is_read_too():
    for fmt in ("PNG", "GIF", "WEBP"):
        assert opened(render_photo(pictures.photo(fmt=fmt))["small"]).size == RENDITIONS["small"]


def test_a_header_claiming_huge_dimensions_is_refused_before_any_pixel_is_decoded():
    bomb = pictures.png_header_only(60_000, 60_000)
    assert len(bomb) < 200

    with pytest.raises(PictureRejectedError, match="pixel limit"):
        render_photo(bomb)


def test_an_html_page_is_not_a_picture():
    with pytest.raises(PictureRejectedError, match="not a picture"):
        render_photo(b"<!doctype html><html><body>Not found</body></html>")


def test_a_truncated_jpeg_is_refused():
    whole = pictures.photo()

    with pytest.raises(PictureRejectedError):
        render_photo(whole[: len(whole) // 3])


def test_a_format_outside_the_news_photo_formats_is_not_decoded():
    tiff = BytesIO()
    Image.new("RGB", (800, 600), "white").save(tiff, "TIFF")

    with pytest.raises(PictureRejectedError, match="not a picture"):
        render_photo(tiff.getvalue())


def test_a_tracking_pixel_is_too_small_to_show():
    with pytest.raises(PictureRejectedError, match="too small"):
        render_photo(pictures.photo(1, 1, fmt="GIF"))


def test_a_body_over_the_byte_cap_is_refused_unread():
    with pytest.raises(PictureRejectedError, match="byte cap"):
        render_photo(b"\xff\xd8" + bytes(MAX_PHOTO_BYTES))


def test_one_picture_always_gets_the_same_key_and_another_a_different_one():
    first, second = pictures.photo(), pictures.photo(900, 600)

    assert picture_key(first) == picture_key(first)
    assert picture_key(first) != picture_key(second)
    assert len(picture_key(first)) == 32


def test_a_multi_size_favicon_ico_becomes_a_64_pixel_square_webp():
    icon = opened(render_icon(pictures.icon()))

    assert icon.format == "WEBP"
    assert icon.size == (ICON_SIZE, ICON_SIZE)


def test_a_wide_logo_is_centred_in_its_square_on_transparency():
    icon = opened(render_icon(pictures.wide_logo())).convert("RGBA")

    assert icon.getpixel((ICON_SIZE // 2, 1))[3] == 0  # above the logo: transparent
    assert icon.getpixel((ICON_SIZE // 2, ICON_SIZE // 2))[3] == 255


def test_a_home_page_icon_of_at_least_64_pixels_is_preferred_then_favicon_ico():
    html = b"""<html><head>
      <link rel="icon" href="/small.png" sizes="16x16">
      <link rel="apple-touch-icon" href="/touch.png">
      <link rel="icon" type="image/png" href="https://cdn.example.org/icon-96.png" sizes="96x96">
    </head></html>"""

    found = icon_candidates(html, base_url="https://news.example.org/")

    assert found == [
        "https://cdn.example.org/icon-96.png",
        "https://news.example.org/touch.png",
        "https://news.example.org/small.png",
        "https://news.example.org/favicon.ico",
    ]


def test_svg_icons_and_script_addresses_are_never_candidates():
    html = b"""<html><head>
      <link rel="icon" href="/icon.svg" type="image/svg+xml">
      <link rel="icon" href="javascript:alert(1)">
      <link rel="shortcut icon" href="data:image/png;base64,AAAA">
    </head></html>"""

    assert icon_candidates(html, base_url="https://news.example.org/") == [
        "https://news.example.org/favicon.ico"
    ]


def test_a_home_page_that_is_not_html_still_leaves_favicon_ico():
    assert icon_candidates(b"", base_url="https://news.example.org/a/b") == [
        "https://news.example.org/favicon.ico"
    ]


def test_an_icon_claiming_more_than_a_megapixel_is_refused():
    with pytest.raises(PictureRejectedError, match="pixel limit"):
        render_icon(pictures.png_header_only(4000, 4000))
