"""Picture services: fetch an article's image or an outlet's icon, store its renditions.

Pictures are fetched only through :mod:`ingestion.http` (timeouts, size caps, private
addresses refused, robots.txt honoured), decoded and re-encoded by :mod:`ingestion.images`,
and written under ``MEDIA_ROOT`` with names derived from their bytes (``infra.media``). A
picture is never needed: any failure is recorded on the row (``image_error`` /
``favicon_error``) and the article or outlet is shown without one. Both services are
idempotent: a picture already tried is not fetched again, and files already written are kept.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from infra.fields import clip_to_field
from infra.media import icon_name, image_name
from ingestion import http
from ingestion.images import (
    MAX_ICON_BYTES,
    MAX_PHOTO_BYTES,
    PictureRejectedError,
    icon_candidates,
    picture_key,
    render_icon,
    render_photo,
)
from ingestion.services.common import TransientIngestionError
from sources.domains import is_web_url
from sources.models import Source
from stories.models import Article
from stories.services import story_refresh_image

IMAGE_ACCEPT = "image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.1"
ICON_ACCEPT = "image/webp, image/png, image/x-icon, image/*;q=0.9, */*;q=0.1"
HOME_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
# A picture is never worth a worker's half minute: half the page deadline.
PICTURE_TIMEOUT_SECONDS = 15.0
# News home pages run to 1-3 MB of HTML; beyond this it is not worth reading for an icon.
MAX_HOME_PAGE_FETCH_BYTES = 5 * 1024 * 1024
# Outlets change their icon rarely: it is looked for again after this long.
FAVICON_RECHECK_DAYS = 30
# Icon addresses tried per outlet: the best declared ones, then /favicon.ico.
MAX_ICON_TRIES = 3
# Servers often send /favicon.ico with a generic type; the decoder decides for icons.
_GENERIC_TYPES = ("", "application/octet-stream", "binary/octet-stream")


class PictureStatus(StrEnum):
    STORED = "stored"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to fetch, or already tried


@dataclass(frozen=True)
class PictureOutcome:
    status: PictureStatus
    key: str = ""
    error: str = ""


def _write_once(files: dict[str, bytes]) -> None:
    """Write each file under ``MEDIA_ROOT`` unless it is there already.

    A name holds its content's key, so an existing file is already right; a new one is written
    to a temporary name and renamed, so a reader never sees half a file.
    """
    root = Path(settings.MEDIA_ROOT)
    for name, data in files.items():
        target = root / name
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _refusal_of_type(result: http.FetchResult, *, icon: bool) -> str:
    """Why the response's Content-Type rules it out, or ""."""
    kind = result.content_type
    if kind.startswith("image/") and kind != "image/svg+xml":
        return ""
    if icon and kind in _GENERIC_TYPES:
        return ""
    return f"served as {kind or 'no content type'}, not as a picture"


def _fetch_picture(url: str, *, icon: bool, retry: bool) -> bytes:
    """The body at ``url`` if it is served as a picture; raises FetchError,
    TransientIngestionError (with ``retry``) or PictureRejectedError."""
    try:
        result = http.fetch(
            url,
            accept=ICON_ACCEPT if icon else IMAGE_ACCEPT,
            max_bytes=MAX_ICON_BYTES if icon else MAX_PHOTO_BYTES,
            respect_robots=True,
            total_timeout_seconds=PICTURE_TIMEOUT_SECONDS,
        )
    except http.FetchError as error:
        if retry and not error.permanent:
            raise TransientIngestionError(error) from error
        raise
    if refusal := _refusal_of_type(result, icon=icon):
        raise PictureRejectedError(refusal)
    return result.body


def _reason(error: Exception) -> str:
    kind = error.kind if isinstance(error, http.FetchError) else "rejected"
    return f"{kind}: {error}"


def article_image_fetch(*, article_id: int, retry: bool = False) -> PictureOutcome:
    """Fetch the picture ``Article.image_url`` names, store its renditions, record the key.

    Skipped when the article has no picture address or it was tried already. With
    ``retry=True`` a transient fetch error raises :class:`TransientIngestionError` instead of
    being recorded. A stored picture may change its story's picture (after the commit).
    """
    article = (
        Article.objects.filter(pk=article_id)
        .only("image_url", "image", "image_checked_at", "story_id")
        .first()
    )
    if article is None or not article.image_url or article.image or article.image_checked_at:
        return PictureOutcome(PictureStatus.SKIPPED)
    try:
        body = _fetch_picture(article.image_url, icon=False, retry=retry)
        key = picture_key(body)
        names = {name: image_name(key, name) for name in ("card", "small")}
        if not all((Path(settings.MEDIA_ROOT) / path).exists() for path in names.values()):
            renditions = render_photo(body)
            _write_once({names[rendition]: data for rendition, data in renditions.items()})
    except (http.FetchError, PictureRejectedError) as error:
        reason = _reason(error)
        article_image_record_failure(article_id=article_id, reason=reason)
        return PictureOutcome(PictureStatus.FAILED, error=reason)
    Article.objects.filter(pk=article_id).update(
        image=key, image_checked_at=timezone.now(), image_error=""
    )
    # Read after the write: a placement committed since is seen here, and one committed later
    # refreshes the story itself and sees the picture.
    story_id = Article.objects.filter(pk=article_id).values_list("story_id", flat=True).first()
    if story_id is not None:
        story_refresh_image(story_id=story_id)
    return PictureOutcome(PictureStatus.STORED, key=key)


def article_image_record_failure(*, article_id: int, reason: str) -> None:
    """Record why the article's picture was not kept (it is not tried again)."""
    Article.objects.filter(pk=article_id).update(
        image_checked_at=timezone.now(),
        image_error=clip_to_field(Article, "image_error", reason),
    )


def favicon_due(*, checked_at: datetime | None, now: datetime) -> bool:
    """Whether an outlet's icon should be looked for (never, or not for a month)."""
    return checked_at is None or checked_at < now - timedelta(days=FAVICON_RECHECK_DAYS)


def _home_page(source: Source) -> str:
    homepage = (source.homepage or "").strip()
    return homepage if is_web_url(homepage) else f"https://{source.domain}/"


def source_favicon_fetch(*, source_id: int, retry: bool = False) -> PictureOutcome:
    """Find the outlet's icon on its home page (or at ``/favicon.ico``) and store it.

    Skipped when it was looked for within ``FAVICON_RECHECK_DAYS``. A failure keeps the icon
    stored before, if any, and records why.
    """
    now = timezone.now()
    source = (
        Source.objects.filter(pk=source_id)
        .only("homepage", "domain", "favicon", "favicon_checked_at")
        .first()
    )
    if source is None or not favicon_due(checked_at=source.favicon_checked_at, now=now):
        return PictureOutcome(PictureStatus.SKIPPED)
    home = _home_page(source)
    html, base = b"", home
    try:
        page = http.fetch(
            home,
            accept=HOME_PAGE_ACCEPT,
            max_bytes=MAX_HOME_PAGE_FETCH_BYTES,
            respect_robots=True,
            total_timeout_seconds=PICTURE_TIMEOUT_SECONDS,
        )
        html, base = page.body, page.url
    except http.FetchError as error:
        if retry and not error.permanent:
            raise TransientIngestionError(error) from error
        # No home page to read: /favicon.ico may still be there.
    errors: list[str] = []
    for url in icon_candidates(html, base_url=base)[:MAX_ICON_TRIES]:
        try:
            body = _fetch_picture(url, icon=True, retry=False)
            key = picture_key(body)
            _write_once({icon_name(key): render_icon(body)})
        except (http.FetchError, PictureRejectedError) as error:
            errors.append(f"{url[:200]}: {_reason(error)}")
            continue
        Source.objects.filter(pk=source_id).update(
            favicon=key, favicon_checked_at=now, favicon_error=""
        )
        return PictureOutcome(PictureStatus.STORED, key=key)
    reason = "; ".join(errors) or "no icon address found"
    Source.objects.filter(pk=source_id).update(
        favicon_checked_at=now, favicon_error=clip_to_field(Source, "favicon_error", reason)
    )
    return PictureOutcome(PictureStatus.FAILED, error=reason)


def queue_article_image(article_id: int) -> None:
    """Fetch the article's picture after the commit, on the images queue."""
    from ingestion.tasks import image_fetch_for_article

    transaction.on_commit(partial(image_fetch_for_article.delay, article_id))


def queue_favicon(source_id: int) -> None:
    from ingestion.tasks import image_fetch_favicon

    transaction.on_commit(partial(image_fetch_favicon.delay, source_id))
