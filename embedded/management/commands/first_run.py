"""Prepare a fresh site: accounts to try it with, and stories from live feeds or the demo."""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from embedded.demo import demo_reading_history_load
from embedded.first_run import first_run

SITE_URL = "http://127.0.0.1:8000/"
ADMIN_USERNAME = "admin"
PREMIUM_READER = "premium-reader"
FREE_READER = "free-reader"


class Command(BaseCommand):
    help = (
        "Fill the site with stories (live feeds when reachable, else the demo corpus) and, in "
        "the embedded mode, create an admin account. Safe to run again: data is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--demo", action="store_true", help="replay the demo corpus")
        mode.add_argument("--live", action="store_true", help="ingest the catalogue's feeds")
        parser.add_argument(
            "--live-in-background",
            action="store_true",
            help="in live mode, only load the catalogue (`serve` ingests in the background)",
        )

    def handle(
        self,
        *args: object,
        demo: bool = False,
        live: bool = False,
        live_in_background: bool = False,
        **options: object,
    ) -> None:
        started = time.monotonic()
        mode = "demo" if demo else "live" if live else "auto"
        report = first_run(
            mode=mode,
            now=timezone.now(),
            progress=self.stdout.write,
            live_in_background=live_in_background,
        )
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
        premium = self._embedded_password(PREMIUM_READER, staff=False)
        self._ensure_premium(PREMIUM_READER)
        if report.mode == "demo":
            demo_reading_history_load(
                user=get_user_model().objects.get(username=PREMIUM_READER), now=timezone.now()
            )
        free = self._embedded_password(FREE_READER, staff=False)
        login = f"{SITE_URL}accounts/login/"
        self.stdout.write(f"Premium reader: {login}  user: {PREMIUM_READER}  password: {premium}")
        self.stdout.write(f"Free reader:    {login}  user: {FREE_READER}  password: {free}")
        self.stdout.write("(embedded mode only; passwords are kept in var/)")

    def _ensure_premium(self, username: str) -> None:
        from members.access import user_has_premium
        from members.models import GrantOrigin
        from members.services import membership_grant_premium

        user = get_user_model().objects.get(username=username)
        if not user_has_premium(user):
            membership_grant_premium(
                user=user,
                actor=None,
                reason="Demo reader created by the first run (embedded mode)",
                origin=GrantOrigin.COMMAND,
            )

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
