"""Prepare a fresh site: accounts to try it with, and stories from live feeds or the demo."""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ingestion.first_run import first_run

SITE_URL = "http://127.0.0.1:8000/"
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Fill the site with stories (live feeds when reachable, else the demo corpus) and, in "
        "the embedded mode, create an admin account. Safe to run again: data is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--demo", action="store_true", help="replay the demo corpus")
        mode.add_argument("--live", action="store_true", help="ingest the catalogue's feeds")

    def handle(
        self, *args: object, demo: bool = False, live: bool = False, **options: object
    ) -> None:
        started = time.monotonic()
        mode = "demo" if demo else "live" if live else "auto"
        report = first_run(mode=mode, now=timezone.now(), progress=self.stdout.write)
        elapsed = time.monotonic() - started
        if report.skipped:
            self.stdout.write(f"Site already has {report.articles} articles; nothing to ingest.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.mode.capitalize()} data: {report.articles} articles from "
                    f"{report.feeds} feeds in {report.stories} stories ({elapsed:.1f} s)."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Newsdesk: {SITE_URL}"))
        if not settings.EMBEDDED:
            self.stdout.write("Services mode: create an admin with `manage.py createsuperuser`.")
            return
        password = self._embedded_password(ADMIN_USERNAME, staff=True)
        self.stdout.write(f"Admin: {SITE_URL}admin/  user: {ADMIN_USERNAME}  password: {password}")
        self.stdout.write("(embedded mode only; passwords are kept in var/)")

    def _embedded_password(self, username: str, *, staff: bool) -> str:
        """A random password per checkout, kept in var/ so it stays the same across runs."""
        password_file = settings.VAR_DIR / f"{username}_password"
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password)
            password_file.chmod(0o600)
        user, _ = get_user_model().objects.get_or_create(username=username)
        if not user.check_password(password) or user.is_superuser != staff:
            user.is_staff = user.is_superuser = staff
            user.set_password(password)
            user.save()
        return password
