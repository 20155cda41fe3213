"""Fetched pictures → the small files pages show. Pure: bytes in, bytes out (no ORM, no network).

Everything here reads bytes from strangers' servers, so decoding is fenced in:

* only the formats a news photo or a site icon comes in are decoded (``formats=``), so no
  rarely-used decoder ever sees outside bytes;
* the header's dimensions are checked before any pixel is decoded (a 50,000 x 50,000 PNG is a
  few kilobytes and gigabytes once decoded), and ``Image.MAX_IMAGE_PIXELS`` is lowered to the
  same limit, its warning turned into a refusal, as a second fence;
* ``verify()`` reads the file through once before it is decoded for real;
* the output is re-encoded from pixels alone: no EXIF (camera, GPS position), no ICC profile,
  no comment of the original reaches the stored file.

Photos become a 16:9 card and a square thumbnail (``infra.media.RENDITIONS``), icons one
64 px square, all WebP: every browser the site supports shows it, and it is a third smaller
than JPEG at the same look.
"""

from __future__ import annotations

import hashlib
import warnings
from io import BytesIO
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError
from PIL import Image, ImageOps

from infra.media import ICON_SIZE, RENDITIONS
from sources.domains import is_web_url

# News photos are 0.1-1 MB (a 2000 px JPEG); 5 MB leaves room for a large PNG and bounds a
# hostile body. Icons are a few kilobytes; a multi-size .ico can reach ~300 kB.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_ICON_BYTES = 512 * 1024
# 40 megapixels: more than a full-frame camera's 24 MP original (6000 x 4000), far less than a
# decompression bomb. Decoded as RGB that is 120 MB at most, once.
MAX_PHOTO_PIXELS = 40_000_000
# An icon larger than 1024 x 1024 is not an icon.
MAX_ICON_PIXELS = 1024 * 1024
# Smaller than this is a tracking pixel or a thumbnail too small for a card (MercoPress's feed
# carries 100 x 80 crops); the article then simply shows no picture.
MIN_PHOTO_WIDTH = 200
MIN_PHOTO_HEIGHT = 100
MIN_ICON_SIZE = 16
PHOTO_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
ICON_FORMATS = ("ICO", "PNG", "GIF", "JPEG", "WEBP", "BMP")
# WebP quality 80: no visible loss at card size, ~25 kB for a 640 x 360 news photo.
WEBP_QUALITY = 80
# Part of every key: changing how renditions are made gives every picture new file names, so
# no browser keeps an old rendition under an "immutable" name.
RENDITION_SCHEMA = b"renditions-1"
# Photos are cropped a little above their middle: faces and headlines sit in the upper half.
CROP_CENTRE = (0.5, 0.4)
# Where a home page names its icon; the first 512 kB hold any page's <head>.
MAX_HOME_PAGE_BYTES = 512 * 1024
# Declared sizes when a <link> gives none: an apple-touch-icon is 180 px by convention.
_DEFAULT_ICON_SIZES = {"apple-touch-icon": 180, "apple-touch-icon-precomposed": 180, "icon": 32}

Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS


class PictureRejectedError(Exception):
    """The bytes are not a picture we will show; ``str(error)`` says why, readably."""


def picture_key(data: bytes) -> str:
    """The key of the files made from ``data``: same bytes, same key, same file names."""
    return hashlib.sha256(RENDITION_SCHEMA + b"\0" + data).hexdigest()[:32]


def _open(
    data: bytes,
    *,
    formats: tuple[str, ...],
    max_pixels: int,
    min_size: tuple[int, int],
    target: tuple[int, int],
) -> Image.Image:
    """``data`` decoded, after the checks of the module docstring."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(BytesIO(data), formats=formats)
            width, height = probe.size
            if width * height > max_pixels:
                raise PictureRejectedError(
                    f"{width} x {height} pixels is over the {max_pixels:,} pixel limit"
                )
            if width < min_size[0] or height < min_size[1]:
                raise PictureRejectedError(f"{width} x {height} pixels is too small to show")
            probe.verify()
            image = Image.open(BytesIO(data), formats=formats)
            # JPEG decodes straight to a fraction of its size when that still covers the
            # target: a 2000 px photo costs a quarter of the memory and time.
            image.draft("RGB", target)
            image.load()
        except PictureRejectedError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow's own check, at open: the same refusal as ours.
            raise PictureRejectedError(f"over the pixel limit: {error}") from error
        except Exception as error:
            # Decoders report broken input in many ways (OSError, SyntaxError, ValueError,
            # struct.error, DecompressionBombError …); every one means "not a picture we show".
            raise PictureRejectedError(
                f"not a picture we can read: {type(error).__name__}: {str(error)[:200]}"
            ) from error
    return image


def _flat_rgb(image: Image.Image) -> Image.Image:
    """The first frame, turned as the camera said, transparency laid on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _webp(image: Image.Image, **options: object) -> bytes:
    # A fresh image holds pixels only: nothing of the original's metadata can ride along.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = BytesIO()
    clean.save(out, "WEBP", **options)
    return out.getvalue()


def render_photo(data: bytes) -> dict[str, bytes]:
    """The WebP renditions of a news photo, by rendition name (``infra.media.RENDITIONS``).

    Raises :class:`PictureRejectedError` for anything that is not a readable photo of a
    sensible size.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PictureRejectedError(f"{len(data)} bytes is over the {MAX_PHOTO_BYTES} byte cap")
    largest = max(RENDITIONS.values())
    image = _open(
        data,
        formats=PHOTO_FORMATS,
        max_pixels=MAX_PHOTO_PIXELS,
        min_size=(MIN_PHOTO_WIDTH, MIN_PHOTO_HEIGHT),
        target=largest,
    )
    frame = _flat_rgb(image)
    return {
        name: _webp(
            ImageOps.fit(frame, size, method=Image.Resampling.LANCZOS, centering=CROP_CENTRE),
            quality=WEBP_QUALITY,
            method=4,
        )
        for name, size in RENDITIONS.items()
    }


def render_icon(data: bytes) -> bytes:
    """A site icon as a 64 px square WebP (transparency kept, a wide logo centred)."""
    if len(data) > MAX_ICON_BYTES:
        raise PictureRejectedError(f"{len(data)} bytes is over the {MAX_ICON_BYTES} byte cap")
    image = _open(
        data,
        formats=ICON_FORMATS,
        max_pixels=MAX_ICON_PIXELS,
        min_size=(MIN_ICON_SIZE, MIN_ICON_SIZE),
        target=(ICON_SIZE, ICON_SIZE),
    )
    rgba = image.convert("RGBA")
    scale = ICON_SIZE / max(rgba.size)
    size = (max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale)))
    rgba = rgba.resize(size, Image.Resampling.LANCZOS)
    square = Image.new("RGBA", (ICON_SIZE, ICON_SIZE), (0, 0, 0, 0))
    square.paste(rgba, ((ICON_SIZE - size[0]) // 2, (ICON_SIZE - size[1]) // 2))
    return _webp(square, lossless=True)


def icon_candidates(html: bytes, *, base_url: str) -> list[str]:
    """Icon URLs a home page declares (``<link rel="icon">``, ``apple-touch-icon``), best first,
    then ``/favicon.ico``.

    Best is the smallest declared size of at least ``ICON_SIZE`` (sharp without a large
    download), else the largest. SVG icons are skipped: they are not decoded here.
    """
    found: list[tuple[int, str]] = []
    try:
        root = lxml.html.document_fromstring(html[:MAX_HOME_PAGE_BYTES]) if html.strip() else None
    except (ParserError, ValueError):
        root = None
    for link in root.iter("link") if root is not None else ():
        rels = {token.lower() for token in (link.get("rel") or "").split()}
        kinds = rels & set(_DEFAULT_ICON_SIZES)
        href = (link.get("href") or "").strip()
        if not kinds or not href or "svg" in (link.get("type") or "").lower():
            continue
        url = urljoin(base_url, href)
        if not is_web_url(url) or urlsplit(url).path.lower().endswith(".svg"):
            continue
        size = max(_DEFAULT_ICON_SIZES[kind] for kind in kinds)
        declared = [
            int(part)
            for token in (link.get("sizes") or "").lower().split()
            for part in token.split("x")[:1]
            if part.isdigit()
        ]
        if declared:
            size = max(declared)
        found.append((size, url))
    large_enough = sorted((size, url) for size, url in found if size >= ICON_SIZE)
    too_small = sorted(((size, url) for size, url in found if size < ICON_SIZE), reverse=True)
    ordered = [url for _size, url in large_enough + too_small]
    fallback = urljoin(base_url, "/favicon.ico")
    if is_web_url(fallback) and fallback not in ordered:
        ordered.append(fallback)
    return list(dict.fromkeys(ordered))
