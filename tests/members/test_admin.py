from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, MembershipEvent, Tier
from tests.members.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    return staff


def form_data(user, *, tier: str, until, reason: str) -> dict[str, str]:
    return {
        "user": str(user.pk),
        "tier": tier,
        "valid_until_0": until.strftime("%Y-%m-%d") if until else "",
        "valid_until_1": until.strftime("%H:%M:%S") if until else "",
        "reason": reason,
    }


def test_granting_in_the_admin_records_the_staff_member_and_reason(client):
    staff = admin_client(client)
    reader = UserFactory()
    until = (timezone.now() + timedelta(days=30)).replace(microsecond=0)

    client.post(
        reverse("admin:members_membership_add"),
        form_data(reader, tier=Tier.PREMIUM, until=until, reason="Conference pass"),
    )

    event = MembershipEvent.objects.get(user=reader)
    assert (event.actor, event.reason, event.valid_until) == (staff, "Conference pass", until)


def test_setting_free_in_the_admin_revokes_premium(client):
    admin_client(client)
    membership = MembershipFactory(valid_until=timezone.now() + timedelta(days=5))

    client.post(
        reverse("admin:members_membership_change", args=[membership.pk]),
        form_data(membership.user, tier=Tier.FREE, until=None, reason="Refunded"),
    )

    membership.refresh_from_db()
    assert membership.tier == Tier.FREE
    assert membership.valid_until <= timezone.now()


def test_a_change_in_the_admin_needs_a_reason(client):
    admin_client(client)
    reader = UserFactory()

    response = client.post(
        reverse("admin:members_membership_add"),
        form_data(reader, tier=Tier.PREMIUM, until=None, reason=""),
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user=reader).exists()


def run_list_action(client, action: str, membership: Membership):
    return client.post(
        reverse("admin:members_membership_changelist"),
        {"action": action, "_selected_action": [membership.pk]},
    )


def test_the_extend_action_adds_thirty_days(client):
    staff = admin_client(client)
    end = timezone.now() + timedelta(days=3)
    membership = MembershipFactory(valid_until=end)

    run_list_action(client, "extend_premium", membership)

    membership.refresh_from_db()
    assert (membership.valid_until, membership.granted_by) == (end + timedelta(days=30), staff)


def test_the_revoke_action_makes_the_members_free(client):
    admin_client(client)
    membership = MembershipFactory(valid_until=timezone.now() + timedelta(days=3))

    run_list_action(client, "revoke_premium", membership)

    membership.refresh_from_db()
    assert membership.tier == Tier.FREE


def test_the_change_page_shows_the_history(client):
    admin_client(client)
    membership = MembershipFactory(valid_until=timezone.now() + timedelta(days=3))
    MembershipEvent.objects.create(
        user=membership.user,
        action="grant",
        tier=Tier.PREMIUM,
        valid_from=membership.valid_from,
        valid_until=membership.valid_until,
        reason="Spring giveaway",
        origin="admin",
    )

    response = client.get(reverse("admin:members_membership_change", args=[membership.pk]))

    assert "Spring giveaway" in response.text


def test_memberships_cannot_be_deleted_in_the_admin(client):
    admin_client(client)
    membership = MembershipFactory()

    response = client.post(
        reverse("admin:members_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_adding_a_free_membership_is_refused_as_pointless(client):
    admin_client(client)
    reader = UserFactory()

    response = client.post(
        reverse("admin:members_membership_add"),
        form_data(reader, tier=Tier.FREE, until=None, reason="why not"),
    )

    assert "already Free" in response.text
    assert not MembershipEvent.objects.filter(user=reader).exists()


def test_staff_cannot_give_an_account_another_accounts_address_in_any_case(client):
    admin_client(client)
    UserFactory(email="owner@example.org")
    other = UserFactory(email="")

    response = client.post(
        reverse("admin:auth_user_change", args=[other.pk]),
        {
            "username": other.username,
            "email": "Owner@EXAMPLE.org",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 200
    assert "Another account already has this e-mail address." in response.text
    other.refresh_from_db()
    assert other.email == ""


def view_only_staff(client, *codenames: str):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(staff)
    return staff


@pytest.mark.parametrize("action", ["extend_premium", "revoke_premium"])
def test_staff_who_may_only_view_memberships_cannot_change_premium_from_the_list(client, action):
    view_only_staff(client, "view_membership")
    until = timezone.now() + timedelta(days=5)
    membership = MembershipFactory(valid_until=until)

    response = run_list_action(client, action, membership)

    membership.refresh_from_db()
    assert response.status_code in (200, 302)
    assert (membership.tier, membership.valid_until) == (Tier.PREMIUM, until)
    assert not MembershipEvent.objects.filter(user=membership.user).exists()


def test_staff_who_may_change_memberships_can_extend_premium_from_the_list(client):
    view_only_staff(client, "view_membership", "change_membership")
    until = timezone.now() + timedelta(days=5)
    membership = MembershipFactory(valid_until=until)

    run_list_action(client, "extend_premium", membership)

    membership.refresh_from_db()
    assert membership.valid_until > until
