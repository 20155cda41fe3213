from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from members.models import GrantOrigin, Membership, MembershipEvent, Tier
from tests.members.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_grant_premium_gives_premium_for_the_days_asked():
    user = UserFactory()
    before = timezone.now()

    run("grant_premium", user.username, "--days", "14", "--reason", "press pass")

    membership = Membership.objects.get(user=user)
    assert membership.valid_until - membership.valid_from == timedelta(days=14)
    assert membership.valid_from >= before


def test_grant_premium_records_the_staff_member_and_reason():
    user, staff = UserFactory(), StaffFactory()

    run("grant_premium", user.username, "--days", "7", "--reason", "won", "--by", staff.username)

    event = MembershipEvent.objects.get(user=user)
    assert (event.actor, event.reason, event.origin) == (staff, "won", GrantOrigin.COMMAND)


def test_grant_premium_until_an_instant_ends_then():
    user = UserFactory()

    run("grant_premium", user.username, "--until", "2099-01-01T00:00:00Z", "--reason", "x")

    assert Membership.objects.get(user=user).valid_until.year == 2099


def test_grant_premium_with_extend_adds_to_the_current_end():
    user = UserFactory()
    run("grant_premium", user.username, "--days", "10", "--reason", "first")
    first_end = Membership.objects.get(user=user).valid_until

    run("grant_premium", user.username, "--days", "5", "--extend", "--reason", "more")

    assert Membership.objects.get(user=user).valid_until == first_end + timedelta(days=5)


def test_grant_premium_needs_a_reason():
    with pytest.raises(CommandError):
        call_command("grant_premium", UserFactory().username, "--days", "7")


def test_grant_premium_names_an_unknown_user():
    with pytest.raises(CommandError, match="nobody"):
        call_command("grant_premium", "nobody", "--days", "7", "--reason", "x")


def test_revoke_premium_makes_the_member_free():
    user = UserFactory()
    run("grant_premium", user.username, "--days", "10", "--reason", "first")

    run("revoke_premium", user.username, "--reason", "chargeback")

    assert Membership.objects.get(user=user).tier == Tier.FREE
