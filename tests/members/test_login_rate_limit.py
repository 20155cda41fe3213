import pytest
from django.test import override_settings
from django.urls import reverse

from tests.members.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "Too many failed sign-in attempts"


def attempt(client, username: str, password: str = "wrong password", *, ip: str = "203.0.113.5"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_a_wrong_password_is_answered_with_the_usual_error(client):
    response = attempt(client, UserFactory().username)

    assert response.status_code == 200
    assert LOCKED_MESSAGE not in response.text


def test_a_username_is_locked_after_five_failures(client):
    user = UserFactory()
    for _ in range(5):
        attempt(client, user.username)

    response = attempt(client, user.username)

    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.text


def test_a_locked_username_cannot_sign_in_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        attempt(client, user.username)

    attempt(client, user.username, PASSWORD)

    assert "_auth_user_id" not in client.session


def test_the_username_lock_applies_from_every_address(client):
    user = UserFactory()
    for n in range(5):
        attempt(client, user.username, ip=f"198.51.100.{n}")

    assert attempt(client, user.username, ip="192.0.2.77").status_code == 429


def test_the_username_lock_ignores_case_and_spaces(client):
    user = UserFactory()
    for _ in range(5):
        attempt(client, user.username.upper())

    assert attempt(client, f" {user.username} ").status_code == 429


def test_other_usernames_are_not_locked_by_one_usernames_failures(client):
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        attempt(client, victim.username)

    attempt(client, other.username, PASSWORD)

    assert client.session["_auth_user_id"] == str(other.pk)


@override_settings(MEMBERS_LOGIN_FAILURES_PER_IP=3)
def test_an_address_is_locked_after_its_failures_across_usernames(client):
    for n in range(3):
        attempt(client, f"guess{n}", ip="203.0.113.9")

    response = attempt(client, UserFactory().username, PASSWORD, ip="203.0.113.9")

    assert response.status_code == 429


@override_settings(MEMBERS_LOGIN_FAILURES_PER_IP=3)
def test_another_address_is_not_locked_by_one_address(client):
    for n in range(3):
        attempt(client, f"guess{n}", ip="203.0.113.9")
    user = UserFactory()

    attempt(client, user.username, PASSWORD, ip="203.0.113.10")

    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_successful_sign_in_clears_the_usernames_failures(client):
    user = UserFactory()
    for _ in range(4):
        attempt(client, user.username)
    attempt(client, user.username, PASSWORD)
    client.logout()

    for _ in range(4):
        attempt(client, user.username)

    assert attempt(client, user.username).status_code == 200


def test_the_admin_login_is_locked_after_five_failures(client):
    staff = StaffFactory()
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": staff.username, "password": "nope"})

    response = client.post(
        reverse("admin:login"), {"username": staff.username, "password": PASSWORD}
    )

    assert LOCKED_MESSAGE in response.text
    assert "_auth_user_id" not in client.session


def test_failures_on_the_site_count_towards_the_admin_lock(client):
    staff = StaffFactory()
    for _ in range(5):
        attempt(client, staff.username)

    response = client.post(
        reverse("admin:login"), {"username": staff.username, "password": PASSWORD}
    )

    assert LOCKED_MESSAGE in response.text
