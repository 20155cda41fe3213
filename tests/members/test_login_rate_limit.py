import pytest
from django.test import Client, override_settings
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


def test_a_stranger_cannot_lock_a_user_out_from_another_address(client):
    """A security review found: five wrong passwords from anywhere locked any account."""
    user = UserFactory()
    for _ in range(5):
        attempt(client, user.username, ip="198.51.100.1")

    response = attempt(client, user.username, PASSWORD, ip="192.0.2.77")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_admin_cannot_be_locked_out_by_a_stranger(client):
    staff = StaffFactory()
    for _ in range(5):
        attempt(client, staff.username, ip="198.51.100.1")

    response = client.post(
        reverse("admin:login"),
        {"username": staff.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.77",
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@override_settings(MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS=8)
def test_a_username_is_locked_from_every_address_at_its_global_ceiling(client):
    user = UserFactory()
    for n in range(8):
        attempt(client, user.username, ip=f"198.51.100.{n}")

    assert attempt(client, user.username, PASSWORD, ip="192.0.2.77").status_code == 429


def test_the_global_ceiling_is_far_higher_than_one_clients_limit(settings):
    assert settings.MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS >= (
        10 * settings.MEMBERS_LOGIN_FAILURES_PER_USERNAME
    )


@override_settings(MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS=8)
def test_a_signed_in_reader_stays_signed_in_while_their_username_is_locked(client):
    user = UserFactory()
    attempt(client, user.username, PASSWORD, ip="192.0.2.77")
    stranger = Client()
    for n in range(8):
        attempt(stranger, user.username, ip=f"198.51.100.{n}")

    assert attempt(stranger, user.username, PASSWORD).status_code == 429
    assert client.get(reverse("profile")).status_code == 200
    assert client.get(reverse("password_change")).status_code == 200


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
        reverse("admin:login"),
        {"username": staff.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )

    assert LOCKED_MESSAGE in response.text


PROXY = "10.0.0.2"


def attempt_behind_proxy(client, username: str, forwarded_for: str, password="wrong password"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@override_settings(MEMBERS_LOGIN_FAILURES_PER_IP=3, NEWSDESK_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_spoofed_forwarded_for_does_not_escape_the_address_limit(
    client,
):
    for n in range(3):
        attempt_behind_proxy(client, f"guess{n}", forwarded_for=f"198.51.100.{n}")
    user = UserFactory()

    response = attempt_behind_proxy(client, user.username, "192.0.2.200", password=PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(MEMBERS_LOGIN_FAILURES_PER_IP=3, NEWSDESK_TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_two_clients_are_limited_separately(client):
    for n in range(3):
        attempt_behind_proxy(client, f"guess{n}", forwarded_for="198.51.100.1")
    user = UserFactory()

    locked = attempt_behind_proxy(client, user.username, "198.51.100.1", password=PASSWORD)
    other = attempt_behind_proxy(client, user.username, "198.51.100.2", password=PASSWORD)

    assert locked.status_code == 429
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@override_settings(MEMBERS_LOGIN_FAILURES_PER_IP=3, NEWSDESK_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_entries_the_client_adds_on_the_left_do_not_escape_the_limit(
    client,
):
    # The proxy appends the real client (198.51.100.1); the client invents the rest.
    for n in range(3):
        attempt_behind_proxy(client, f"guess{n}", forwarded_for=f"203.0.113.{n}, 198.51.100.1")

    response = attempt_behind_proxy(
        client, UserFactory().username, "203.0.113.99, 198.51.100.1", password=PASSWORD
    )

    assert response.status_code == 429
