from datetime import timedelta

import pytest

from members import services
from members.models import GrantOrigin, Membership, MembershipEvent, ReadEvent, Tier
from tests.members.factories import (
    T0,
    ArticleFactory,
    MembershipFactory,
    ReadEventFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def grant(user, *, days=30, now=T0, actor=None):
    return services.membership_grant_premium(
        user=user, days=days, actor=actor, reason="trial", origin=GrantOrigin.COMMAND, now=now
    )


def test_granting_premium_sets_the_period_from_now():
    membership = grant(UserFactory(), days=30)

    assert (membership.tier, membership.valid_from, membership.valid_until) == (
        Tier.PREMIUM,
        T0,
        T0 + timedelta(days=30),
    )


def test_granting_premium_records_who_and_why():
    staff = StaffFactory()

    membership = grant(UserFactory(), actor=staff)

    assert (membership.granted_by, membership.reason) == (staff, "trial")


def test_every_change_is_kept_in_the_history():
    user = UserFactory()
    grant(user)
    services.membership_extend_premium(
        user=user, days=10, actor=None, reason="goodwill", origin=GrantOrigin.ADMIN, now=T0
    )
    services.membership_revoke_premium(
        user=user, actor=None, reason="abuse", origin=GrantOrigin.ADMIN, now=T0 + timedelta(days=1)
    )

    actions = list(MembershipEvent.objects.filter(user=user).values_list("action", "reason"))
    assert actions == [("revoke", "abuse"), ("extend", "goodwill"), ("grant", "trial")]


def test_the_history_remembers_the_previous_end():
    user = UserFactory()
    grant(user, days=30)

    services.membership_extend_premium(
        user=user, days=10, actor=None, reason="goodwill", origin=GrantOrigin.ADMIN, now=T0
    )

    event = MembershipEvent.objects.filter(user=user).first()
    assert event.previous_valid_until == T0 + timedelta(days=30)


def test_extending_active_premium_adds_to_its_end():
    user = UserFactory()
    grant(user, days=30)

    membership = services.membership_extend_premium(
        user=user, days=10, actor=None, reason="goodwill", origin=GrantOrigin.ADMIN, now=T0
    )

    assert membership.valid_until == T0 + timedelta(days=40)


def test_revoking_makes_the_reader_free_from_now():
    user = UserFactory()
    grant(user)
    now = T0 + timedelta(days=2)

    membership = services.membership_revoke_premium(
        user=user, actor=None, reason="refund", origin=GrantOrigin.ADMIN, now=now
    )

    assert (membership.tier, membership.valid_until) == (Tier.FREE, now)


def test_revoking_a_reader_without_membership_records_nothing():
    user = UserFactory()

    result = services.membership_revoke_premium(
        user=user, actor=None, reason="none", origin=GrantOrigin.ADMIN
    )

    assert (result, MembershipEvent.objects.count()) == (None, 0)


def test_a_change_without_a_reason_is_refused():
    with pytest.raises(ValueError, match="reason"):
        services.membership_grant_premium(
            user=UserFactory(), days=1, actor=None, reason=" ", origin=GrantOrigin.ADMIN
        )


def test_granting_until_a_past_instant_is_refused():
    with pytest.raises(ValueError, match="future"):
        services.membership_grant_premium(
            user=UserFactory(),
            valid_until=T0 - timedelta(minutes=1),
            actor=None,
            reason="x",
            origin=GrantOrigin.ADMIN,
            now=T0,
        )


def test_a_payment_sets_premium_until_the_paid_date():
    user = UserFactory()
    paid_until = T0 + timedelta(days=31)

    membership = services.membership_set_from_payment(
        user=user, paid_until=paid_until, external_reference="sub_123", reason="paid", now=T0
    )

    assert (membership.tier, membership.valid_until, membership.origin) == (
        Tier.PREMIUM,
        paid_until,
        GrantOrigin.PAYMENT,
    )


def test_a_redelivered_payment_webhook_leaves_the_same_terms():
    user = UserFactory()
    paid_until = T0 + timedelta(days=31)
    for _ in range(2):
        services.membership_set_from_payment(
            user=user, paid_until=paid_until, external_reference="sub_1", reason="paid", now=T0
        )

    membership = Membership.objects.get(user=user)
    assert (membership.valid_from, membership.valid_until) == (T0, paid_until)


def test_a_cancelled_payment_makes_the_reader_free():
    membership = MembershipFactory(valid_until=T0 + timedelta(days=20))

    updated = services.membership_set_from_payment(
        user=membership.user,
        paid_until=None,
        external_reference="sub_1",
        reason="cancelled",
        now=T0 + timedelta(days=1),
    )

    assert updated.tier == Tier.FREE


def test_a_read_is_recorded_for_the_reader_and_article():
    user, article = UserFactory(), ArticleFactory()

    services.read_event_record(user=user, article=article, now=T0)

    assert list(ReadEvent.objects.values_list("user", "article", "read_at")) == [
        (user.id, article.id, T0)
    ]


def test_deleting_one_read_leaves_the_others():
    keep = ReadEventFactory()
    drop = ReadEventFactory(user=keep.user)

    services.read_history_delete(user=keep.user, read_event_id=drop.id)

    assert list(ReadEvent.objects.values_list("id", flat=True)) == [keep.id]


def test_a_reader_cannot_delete_someone_elses_read():
    other = ReadEventFactory()

    deleted = services.read_history_delete(user=UserFactory(), read_event_id=other.id)

    assert (deleted, ReadEvent.objects.count()) == (0, 1)


def test_deleting_all_history_deletes_only_the_readers_own():
    mine = ReadEventFactory()
    ReadEventFactory(user=mine.user)
    theirs = ReadEventFactory()

    services.read_history_delete(user=mine.user)

    assert list(ReadEvent.objects.values_list("id", flat=True)) == [theirs.id]
