from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from members import services
from members.models import GrantOrigin


def find_user(username: str) -> Any:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"No user named {username!r}.") from error


def parse_until(raw: str) -> datetime:
    value = parse_datetime(raw)
    if value is None or value.tzinfo is None:
        raise CommandError("--until needs an ISO 8601 date-time with a zone: 2027-01-01T00:00Z")
    return value


class Command(BaseCommand):
    help = "Grant or extend a reader's premium membership (recorded with who and why)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        length = parser.add_mutually_exclusive_group(required=True)
        length.add_argument("--days", type=int, help="premium for N days")
        length.add_argument("--until", help="premium until this ISO 8601 instant (exclusive)")
        length.add_argument("--no-end", action="store_true", help="premium with no end date")
        parser.add_argument("--reason", required=True)
        parser.add_argument(
            "--extend",
            action="store_true",
            help="add --days after the current end instead of starting now",
        )
        parser.add_argument("--by", help="username of the staff member granting it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"])
        actor = find_user(options["by"]) if options["by"] else None
        try:
            if options["extend"]:
                if options["days"] is None:
                    raise CommandError("--extend works with --days.")
                membership = services.membership_extend_premium(
                    user=user,
                    days=options["days"],
                    actor=actor,
                    reason=options["reason"],
                    origin=GrantOrigin.COMMAND,
                )
            else:
                membership = services.membership_grant_premium(
                    user=user,
                    days=options["days"],
                    valid_until=parse_until(options["until"]) if options["until"] else None,
                    actor=actor,
                    reason=options["reason"],
                    origin=GrantOrigin.COMMAND,
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        until = membership.valid_until.isoformat() if membership.valid_until else "no end date"
        self.stdout.write(f"{user.username}: premium until {until}")
