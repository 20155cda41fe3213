from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from members import services
from members.management.commands.grant_premium import find_user
from members.models import GrantOrigin


class Command(BaseCommand):
    help = "Revoke a reader's premium membership now (recorded with who and why)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--by", help="username of the staff member revoking it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["username"])
        actor = find_user(options["by"]) if options["by"] else None
        membership = services.membership_revoke_premium(
            user=user, actor=actor, reason=options["reason"], origin=GrantOrigin.COMMAND
        )
        if membership is None:
            self.stdout.write(f"{user.username} had no membership: nothing to revoke.")
        else:
            until = membership.valid_until.isoformat() if membership.valid_until else "now"
            self.stdout.write(f"{user.username}: free from {until}")
