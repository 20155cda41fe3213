"""What a signed-in reader chose (follows, mutes, saved stories, edition), for page frames.

Lazy: the one query (``members.selectors.reader_preferences``) runs only on a page whose
template reads it, and never for anonymous readers.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from infra.auth import signed_in_user
from members import selectors


def reader_choices(request: HttpRequest) -> dict[str, object]:
    def read() -> selectors.ReaderPreferences:
        user = signed_in_user(request)
        if user is None:
            return selectors.ReaderPreferences()
        return selectors.reader_preferences(user_id=user.pk)

    return {"reader_choices": SimpleLazyObject(read)}
