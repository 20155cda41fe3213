from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from members.access import forget_cached_terms, user_has_premium
from members.models import Tier
from tests.members.factories import T0, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

END = T0 + timedelta(days=30)


def test_an_anonymous_visitor_has_no_premium():
    assert not user_has_premium(AnonymousUser())


def test_a_reader_without_membership_has_no_premium():
    assert not user_has_premium(UserFactory(), now=T0)


def test_a_premium_member_has_premium_inside_the_period():
    membership = MembershipFactory(valid_until=END)

    assert user_has_premium(membership.user, now=END - timedelta(minutes=1))


def test_premium_ends_at_the_minute_it_expires():
    membership = MembershipFactory(valid_until=END)

    assert not user_has_premium(membership.user, now=END)


def test_a_revoked_member_has_no_premium():
    membership = MembershipFactory(tier=Tier.FREE, valid_until=END)

    assert not user_has_premium(membership.user, now=T0 + timedelta(days=1))


def test_staff_have_premium_without_a_membership():
    assert user_has_premium(StaffFactory(), now=T0)


def test_a_deactivated_member_has_no_premium():
    membership = MembershipFactory(user__is_active=False)

    assert not user_has_premium(membership.user, now=T0 + timedelta(days=1))


def test_repeated_checks_for_one_user_query_the_database_once(django_assert_num_queries):
    user = MembershipFactory(valid_until=END).user

    with django_assert_num_queries(1):
        answers = {user_has_premium(user, now=T0 + timedelta(minutes=m)) for m in range(3)}

    assert answers == {True}


def test_forgetting_cached_terms_sees_a_new_grant():
    user = UserFactory()
    assert not user_has_premium(user, now=T0 + timedelta(days=1))
    MembershipFactory(user=user)

    forget_cached_terms(user)

    assert user_has_premium(user, now=T0 + timedelta(days=1))
