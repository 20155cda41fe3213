"""The password-reset form cannot flood an inbox, the sign-up form fill the user table, nor one
client hog the JSON API (limits in members.ratelimit)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from members import services
from members.ratelimit import (
    RESET_MAILS_PER_ADDRESS,
    RESET_REQUESTS_PER_IP,
    SIGNUP_ATTEMPTS_PER_IP,
    SIGNUPS_PER_IP,
)
from tests.members.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask_for_a_reset(client, email: str, *, ip: str = "203.0.113.5"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_an_address_gets_a_few_reset_mails_an_hour_and_then_none(client):
    user = UserFactory()

    answers = [
        ask_for_a_reset(client, user.email, ip=f"203.0.113.{n}")
        for n in range(RESET_MAILS_PER_ADDRESS + 2)
    ]

    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS
    # The page reads the same, so it tells nobody that the limit (or the account) exists.
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse("password_reset_done")}


def test_one_client_cannot_mail_many_addresses(client):
    users = UserFactory.create_batch(RESET_REQUESTS_PER_IP + 2)

    for user in users:
        ask_for_a_reset(client, user.email)

    assert len(mail.outbox) == RESET_REQUESTS_PER_IP
    # Another client is not held back by the first one's budget.
    ask_for_a_reset(client, users[-1].email, ip="198.51.100.7")
    assert mail.outbox[-1].to == [users[-1].email]


def test_the_address_is_counted_however_it_is_capitalised(client):
    user = UserFactory(email="reader@example.org")

    for n in range(RESET_MAILS_PER_ADDRESS + 1):
        ask_for_a_reset(client, "Reader@Example.ORG" if n % 2 else user.email, ip=f"192.0.2.{n}")

    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS


def sign_up(client, number: int, *, ip: str = "203.0.113.5"):
    return client.post(
        reverse("signup"),
        {
            "username": f"newreader{number}",
            "email": f"new{number}@example.org",
            "password1": "a long enough passphrase 4",
            "password2": "a long enough passphrase 4",
        },
        REMOTE_ADDR=ip,
    )


def test_one_client_can_create_only_a_few_accounts_an_hour(client):
    for number in range(SIGNUPS_PER_IP):
        assert sign_up(client, number).status_code == 302
        client.logout()

    refused = sign_up(client, SIGNUPS_PER_IP)

    assert refused.status_code == 429
    assert "Too many sign-ups from your network" in refused.text
    assert get_user_model().objects.count() == SIGNUPS_PER_IP
    # A reader elsewhere can still sign up.
    assert sign_up(client, SIGNUPS_PER_IP, ip="198.51.100.7").status_code == 302


def test_failed_sign_ups_count_towards_the_clients_limit(client):
    """A security review found: only successful sign-ups were counted, so a script could ask
    without limit whether usernames exist."""
    taken = UserFactory()
    for _ in range(SIGNUP_ATTEMPTS_PER_IP):
        probe = client.post(
            reverse("signup"),
            {"username": taken.username, "email": "x@example.org", "password1": "a"},
            REMOTE_ADDR="203.0.113.5",
        )
        assert probe.status_code == 200

    refused = sign_up(client, 1)

    assert refused.status_code == 429
    assert "already exists" not in refused.text
    assert not get_user_model().objects.filter(username="newreader1").exists()


@override_settings(MEMBERS_API_REQUESTS_PER_MINUTE=3)
def test_the_api_answers_429_once_a_client_has_used_its_minute(client):
    url = reverse("api_story_list")
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="203.0.113.5").status_code == 200

    refused = client.get(url, REMOTE_ADDR="203.0.113.5")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "too many requests" in refused.json()["error"]
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200
    # Reader pages are not part of the API budget.
    assert client.get("/", REMOTE_ADDR="203.0.113.5").status_code == 200


@override_settings(MEMBERS_API_REQUESTS_PER_MINUTE=3)
def test_a_tokens_requests_count_against_its_owner_from_any_address(client):
    _, token = services.api_token_create(user=UserFactory(), name="app")
    url = reverse("api_story_list")
    answers = [
        client.get(url, REMOTE_ADDR=f"192.0.2.{n}", HTTP_AUTHORIZATION=f"Bearer {token}")
        for n in range(4)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]


# --- password change ------------------------------------------------------------------------


def change_password(client, old_password: str):
    return client.post(
        reverse("password_change"),
        {
            "old_password": old_password,
            "new_password1": "another long passphrase 9",
            "new_password2": "another long passphrase 9",
        },
    )


def test_the_old_password_check_is_locked_after_five_wrong_passwords(client):
    """A security review found: a stolen session could guess the old password without limit."""
    user = UserFactory()
    client.force_login(user)
    for _ in range(5):
        assert change_password(client, "a wrong guess").status_code == 200

    refused = change_password(client, PASSWORD)

    assert refused.status_code == 429
    assert "Too many wrong passwords" in refused.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_admins_password_change_has_the_same_budget_of_wrong_old_passwords(client):
    staff = StaffFactory()
    client.force_login(staff)

    def change(old_password: str):
        return client.post(
            reverse("admin:password_change"),
            {
                "old_password": old_password,
                "new_password1": "another long passphrase 9",
                "new_password2": "another long passphrase 9",
            },
        )

    for _ in range(5):
        assert change("a wrong guess").status_code == 200

    refused = change(PASSWORD)

    assert "Too many wrong passwords" in refused.text
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_one_readers_wrong_old_passwords_do_not_limit_another(client):
    client.force_login(UserFactory())
    for _ in range(5):
        change_password(client, "a wrong guess")
    other = UserFactory()
    client.force_login(other)

    change_password(client, PASSWORD)

    other.refresh_from_db()
    assert other.check_password("another long passphrase 9")
