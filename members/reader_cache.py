"""Who a signed-in reader is and what they chose, kept in the shared cache between requests.

Every signed-in page needs the reader's account row and membership terms (the tier), and pages
with Follow buttons need their choices: two or three queries a request otherwise. Both are
kept in the cache (Redis in services mode) keyed by the member, and dropped the moment the
database changes under them: a save or delete of the account or the membership (signals,
``members.apps``), and every follow, mute, save or edition choice (``members.services``),
which also gives the reader a new choices version (part of their For You page's key). The
database stays the record; an entry is only a copy of rows.

A reader's account entry holds what ``ModelBackend.get_user`` returns (an active user, with
its password hash, which the session check needs) plus the membership terms
(``members.access``); ``now`` is still applied on every premium check, so an expiry is never
missed. While Redis cannot be reached, everything is read from the database as before.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from infra.cache import get_or_none, set_or_skip
from members import access, selectors

logger = logging.getLogger(__name__)

# Signals drop an entry at once; the timeout only bounds how long a change made around them
# (a bulk update, a shell, a delete while Redis was away) can go unseen.
ENTRY_TIMEOUT_SECONDS = 300


# The choices version travels on the kept account, so For You reads nothing more to find it.
_CHOICES_VERSION_ATTRIBUTE = "_reader_choices_version"


def _member_key(user_id: int) -> str:
    return f"reader:member:{user_id}"


def _preferences_key(user_id: int) -> str:
    return f"reader:preferences:{user_id}"


def _choices_key(user_id: int) -> str:
    return f"reader-choices:{user_id}"


def _get(key: str) -> Any:
    return get_or_none(key, what="reader cache")


def _set(key: str, value: object) -> None:
    set_or_skip(key, value, ENTRY_TIMEOUT_SECONDS, what="reader cache")


def member_get(*, user_id: int) -> User | None:
    """The member's account with their membership terms, as last kept; None when not kept."""
    member = _get(_member_key(user_id))
    return member if isinstance(member, User) else None


def member_keep(user: User) -> None:
    """Keep ``user`` (an active account ``ModelBackend`` just returned) with its terms and
    choices version."""
    access.membership_terms_of(user)
    setattr(user, _CHOICES_VERSION_ATTRIBUTE, _get(_choices_key(user.pk)) or 0)
    _set(_member_key(user.pk), user)


def reader_preferences(*, user_id: int) -> selectors.ReaderPreferences:
    """``members.selectors.reader_preferences``, kept until the reader changes a choice."""
    preferences = _get(_preferences_key(user_id))
    if isinstance(preferences, selectors.ReaderPreferences):
        return preferences
    preferences = selectors.reader_preferences(user_id=user_id)
    _set(_preferences_key(user_id), preferences)
    return preferences


def choices_version(user: User) -> int:
    """When the reader last changed what they follow, mute or save (0: not since Redis was
    emptied): part of the key of their cached For You page, so a change shows at once. Read
    from the kept account when ``user`` is one, else from the cache."""
    version = getattr(user, _CHOICES_VERSION_ATTRIBUTE, None)
    if version is None:
        version = _get(_choices_key(user.pk)) or 0
    return int(version)


def choices_changed(*, user_id: int) -> None:
    """The reader followed, muted or saved something: a new choices version, and their
    choices and account (which carries the version) are read again."""
    try:
        cache.set(_choices_key(user_id), time.time_ns(), timeout=None)
    except RedisError as error:
        logger.error("reader cache unavailable, For You may show old choices: %s", error)
    preferences_forget(user_id=user_id)
    member_forget(user_id=user_id)


def _drop(*keys: str) -> None:
    try:
        cache.delete_many(list(keys))
    except RedisError as error:
        # The entries then live out their timeout: nothing else can be done without Redis.
        logger.error("reader cache unavailable, could not drop %s: %s", keys, error)


def member_forget(*, user_id: int) -> None:
    """Drop the member's account entry now and again when the transaction commits (a request
    reading the old row meanwhile may have kept it again)."""
    key = _member_key(user_id)
    _drop(key)
    transaction.on_commit(lambda: _drop(key))


def preferences_forget(*, user_id: int) -> None:
    """Drop the member's choices now and when the transaction commits (see ``member_forget``)."""
    key = _preferences_key(user_id)
    _drop(key)
    transaction.on_commit(lambda: _drop(key))


def account_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Signal receiver: an account was saved or deleted (``instance`` is the user)."""
    member_forget(user_id=instance.pk)


def membership_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Signal receiver: a membership was saved or deleted (the tier its member sees)."""
    member_forget(user_id=instance.user_id)
