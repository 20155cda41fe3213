"""manage.py drop_old_text [--days N]

Retention: empties the stored text and feed summary of articles published more than N days
ago (default ``ARTICLE_TEXT_RETENTION_DAYS``) whose story has been quiet as long; they keep
their story, figures and fingerprints (``stories.services.retention``). Beat runs the same
daily; PostgreSQL reuses the freed space for new rows (``VACUUM FULL`` returns it to the disk).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from stories.services import articles_drop_old_text


class Command(BaseCommand):
    help = "Drop the stored text of old articles; they keep their story and figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="age in days (default: the setting)"
        )

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        if days is not None and days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        dropped = articles_drop_old_text(now=timezone.now(), older_than_days=days)
        self.stdout.write(f"dropped the text of {dropped} articles")
