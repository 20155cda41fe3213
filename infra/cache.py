"""Django's Redis cache, with one Redis client per connection pool instead of one per call,
and reads and writes that treat an unreachable Redis as an empty cache.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every operation, and building one
fills its table of about 170 reply handlers: on a signed-in page, which reads the session, the
reader and the page body from Redis, that cost as much as the reads (``bench/pages.py``). A
client only borrows a connection from its pool for each command, so one per pool serves every
call; Django keeps a cache object per thread, so no two threads share them either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ReusedClientRedisCacheClient(RedisCacheClient):
    # Django's own attributes, which django-stubs leaves out.
    _client: Any
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        # Pools live as long as this object, so their ids stay theirs.
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


def get_or_none(key: str, *, what: str) -> Any:
    """``cache.get(key)``, or None while Redis cannot be reached: the caller then reads the
    database as if nothing had been kept (``what`` names the cache in the warning)."""
    try:
        return cache.get(key)
    except RedisError as error:
        logger.warning("%s unavailable, reading %s without it: %s", what, key, error)
        return None


def set_or_skip(key: str, value: object, timeout: int, *, what: str) -> None:
    """``cache.set``; while Redis cannot be reached the value is simply not kept."""
    try:
        cache.set(key, value, timeout)
    except RedisError as error:
        logger.warning("%s unavailable, not keeping %s: %s", what, key, error)
