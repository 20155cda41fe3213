"""Where stored pictures live: names under ``MEDIA_ROOT`` and their URLs.

A picture is stored under a key derived from the bytes fetched (``ingestion.images``), and
every rendition's file name holds that key, so a name never changes its content: pages and
browsers may keep a file for a year (``Cache-Control: immutable``). Rows store only the key;
these functions turn it into names and URLs.
"""

from __future__ import annotations

import re

from django.conf import settings

# What a card shows (16:9, the shape of most news photos) and what an article row shows.
# 640 px fills a card at twice its CSS width on a phone; 160 px a 72-80 px row thumbnail.
RENDITIONS: dict[str, tuple[int, int]] = {"card": (640, 360), "small": (160, 160)}
# Outlet icons are shown at 16-20 CSS px; 64 px stays sharp at three device pixels per px.
ICON_SIZE = 64
IMAGE_DIR = "img"
ICON_DIR = "icons"
# 32 lowercase hex digits (128 bits of SHA-256): what ingestion.images.picture_key returns.
_KEY = re.compile(r"[0-9a-f]{32}")


def is_picture_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key or ""))


def image_name(key: str, rendition: str) -> str:
    """The file of ``rendition`` ("card" or "small") of the article image ``key``."""
    return f"{IMAGE_DIR}/{key[:2]}/{key}-{rendition}.webp"


def icon_name(key: str) -> str:
    return f"{ICON_DIR}/{key[:2]}/{key}-{ICON_SIZE}.webp"


def media_url(name: str) -> str:
    base = settings.MEDIA_URL
    return f"{base if base.startswith('/') else '/' + base}{name}"


def image_url(key: str, rendition: str) -> str:
    """The URL of a stored image rendition, or "" when ``key`` is no stored picture."""
    return media_url(image_name(key, rendition)) if is_picture_key(key) else ""


def icon_url(key: str) -> str:
    return media_url(icon_name(key)) if is_picture_key(key) else ""
