"""The embedded mode in a throw-away folder, for benches that replay into a fresh database."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def setup_throwaway_sqlite(prefix: str) -> Path:
    """Point Django at a new SQLite file (never a configured DATABASE_URL or REDIS_URL), set it
    up, and return the folder the file lives in."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    return workdir
