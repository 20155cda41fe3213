"""Prepare a freshly installed site: admin account (embedded mode only) and what to open."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the embedded-mode admin account and print how to open the site."

    def handle(self, *args: object, **options: object) -> None:
        url = "http://127.0.0.1:8000/"
        self.stdout.write(self.style.SUCCESS(f"Newsdesk is starting at {url}"))
        if not settings.EMBEDDED:
            self.stdout.write(
                "Services mode: create an admin with `python manage.py createsuperuser`."
            )
            return
        password = self._embedded_admin_password()
        self.stdout.write(
            f"Admin: {url}admin/  username: {ADMIN_USERNAME}  password: {password}\n"
            f"(embedded mode only; the password is kept in var/admin_password)"
        )

    def _embedded_admin_password(self) -> str:
        password_file = settings.VAR_DIR / "admin_password"
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password)
            password_file.chmod(0o600)
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(username=ADMIN_USERNAME)
        if not user.check_password(password) or not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
        return password
