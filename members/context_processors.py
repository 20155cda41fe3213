"""What a signed-in reader chose (follows, mutes, saved stories, edition), for page frames.

Lazy: read only on a page whose template reads it, never for anonymous readers, and from the
reader cache (``members.reader_cache``) once the member's choices are kept there.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from infra.auth import signed_in_user
from members import reader_cache, selectors


def reader_choices(request: HttpRequest) -> dict[str, object]:
    def read() -> selectors.ReaderPreferences:
        user = signed_in_user(request)
        if user is None:
            return selectors.ReaderPreferences()
        return reader_cache.reader_preferences(user_id=user.pk)

    return {"reader_choices": SimpleLazyObject(read)}
