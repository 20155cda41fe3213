"""Transaction-scoped PostgreSQL advisory locks, one named key per kind of work.

SQLite (the embedded mode) serialises writers by itself, so there the lock is a no-op.
"""

from __future__ import annotations

from enum import IntEnum

from django.db import connection


class AdvisoryLock(IntEnum):
    """Every advisory lock key the site takes; arbitrary but fixed, and distinct."""

    # Placing articles in stories and merging stories (stories.services).
    CLUSTERING = 5_021_144_001
    # Storing an extraction (ingestion.services). A text's wire origin and a page's canonical
    # owner are decided against every committed article: two syndicated copies stored at once
    # by two workers would each miss the other and both become origins.
    EXTRACTION_STORE = 5_021_144_002


def advisory_xact_lock(key: AdvisoryLock) -> None:
    """Block until the current transaction holds ``key``; released at commit or rollback.

    Take it first in a transaction, before any row lock, so it cannot join a lock cycle.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key)])
