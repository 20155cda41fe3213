"""How long finding wire copies takes as the wire window fills up, on PostgreSQL.

    .venv/bin/python bench/wire_window.py [--sizes 10000,100000,400000] [--repeat 20]

Storing an extraction compares the new text's SimHash with every fingerprint published within
``WIRE_WINDOW_HOURS`` of it (``ingestion.selectors.article_wire_candidates``), inside the
transaction that holds the store lock, so this time bounds how many extractions all workers
together can store per second. For each size the bench fills its own database
(``BENCH_WIRE_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/newsdesk_bench_wire``,
created if missing and emptied first) with that many extracted articles spread over the window,
then prints the median and p90 time of one comparison over the window, done in PostgreSQL (what
the workers do) and by reading the fingerprints into Python (what SQLite does), and the implied
ceiling of stores per second.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.pages import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_bench_wire"


def fill(count: int) -> None:
    from django.utils import timezone

    from ingestion.fingerprint import WIRE_WINDOW_HOURS
    from sources.models import Source
    from stories.models import Article, ArticleStatus

    Article.objects.all().delete()
    source, _ = Source.objects.get_or_create(
        slug="wire-bench", defaults={"name": "Wire bench", "domain": "wire-bench.example"}
    )
    now = timezone.now()
    window_minutes = 2 * WIRE_WINDOW_HOURS * 60
    rng = random.Random(count)
    batch = 10_000
    for start in range(0, count, batch):
        Article.objects.bulk_create(
            Article(
                canonical_url=f"https://wire-bench.example/{n}",
                url=f"https://wire-bench.example/{n}",
                source=source,
                title="Wire bench",
                status=ArticleStatus.EXTRACTED,
                published_at=now - timedelta(minutes=rng.randrange(window_minutes)),
                text_fingerprint=rng.getrandbits(64) - 2**63,
            )
            for n in range(start, min(start + batch, count))
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stories_article")


def lookup_times(repeat: int, *, in_database: bool) -> list[float]:
    from django.utils import timezone

    from ingestion import selectors
    from stories.models import Article

    # The probe sits in the middle of the window, where it overlaps the most articles.
    probe = Article(pk=0, published_at=timezone.now(), created_at=timezone.now())
    times = []
    for _ in range(repeat):
        fingerprint = random.getrandbits(64) - 2**63
        started = time.perf_counter()
        selectors.article_near_copy_ids(
            selectors.article_wire_window(probe), fingerprint, in_database=in_database
        )
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,400000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_WIRE_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(f"{'articles in window':>18}  {'in PostgreSQL':>22}  {'in Python':>22}  stores/s")
    for size in (int(part) for part in args.sizes.split(",")):
        fill(size)
        sql = sorted(lookup_times(args.repeat, in_database=True))
        python = sorted(lookup_times(max(3, args.repeat // 4), in_database=False))
        sql_median, python_median = statistics.median(sql), statistics.median(python)
        print(
            f"{size:>18,}  "
            f"{sql_median * 1000:>8.1f} ms (p90 {sql[int(len(sql) * 0.9) - 1] * 1000:>5.1f})  "
            f"{python_median * 1000:>8.1f} ms (p90 {python[int(len(python) * 0.9) - 1] * 1000:>5.1f})  "  # noqa: E501
            f"{1 / sql_median:>8.0f}"
        )


if __name__ == "__main__":
    main()
