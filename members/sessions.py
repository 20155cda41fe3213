"""Sessions kept in PostgreSQL and read through the shared cache (``SESSION_ENGINE`` with Redis).

Django's ``cached_db`` store: every write goes to PostgreSQL, then to the cache; a read takes
the cached copy, else the row (and keeps a copy). PostgreSQL stays the record, so flushing or
restarting Redis signs nobody out; Redis only spares each signed-in page its session query.
Only with a cache every web process shares: a per-process cache would keep a copy of a
session another process ended. Two changes to Django's store:

* While Redis cannot be reached, a session is read (and a new key checked) in PostgreSQL
  alone (Django's store would fail), so readers can still sign in and read signed-in pages.
* Ending a session (signing out, a new key at sign-in) removes the cached copy before the
  row: should Redis fail, nothing is ended and the reader sees an error, rather than the row
  going while a copy Redis could serve again when it is back survives.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db, db
from django.core.cache.backends.base import BaseCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    _cache: BaseCache  # Django's own attribute, which django-stubs leaves out

    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except RedisError as error:
            logger.warning("session cache unavailable, reading the session row: %s", error)
            return db.SessionStore.load(self)

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except RedisError as error:
            logger.warning("session cache unavailable, checking the session rows: %s", error)
            return db.SessionStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        ending = session_key if session_key is not None else self.session_key
        if ending is not None:
            self._cache.delete(self.cache_key_prefix + ending)
        super().delete(session_key)
