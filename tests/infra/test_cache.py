"""The Redis cache with one client per pool (the real Redis when REDIS_URL is set)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_site_uses_the_reused_client_cache():
    assert settings.CACHES["default"]["BACKEND"] == "infra.cache.ReusedClientRedisCache"


def test_calls_share_one_client_instead_of_building_one_each():
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_values_written_from_many_threads_are_all_read_back():
    def write(n: int) -> None:
        for i in range(50):
            cache.set(f"thread-{n}-{i}", n * 1000 + i)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(cache.get(f"thread-{n}-{i}") == n * 1000 + i for n in range(4) for i in range(50))
