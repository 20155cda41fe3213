"""The password-reset form cannot flood an inbox, the sign-up form fill the user table, nor one
client hog the JSON API (limits in members.ratelimit)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from members import services
from members.ratelimit import RESET_MAILS_PER_ADDRESS, RESET_REQUESTS_PER_IP, SIGNUPS_PER_IP
from tests.members.factories import UserFactory

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
    assert "Too many accounts were created from your network" in refused.text
    assert get_user_model().objects.count() == SIGNUPS_PER_IP
    # A reader elsewhere can still sign up.
    assert sign_up(client, SIGNUPS_PER_IP, ip="198.51.100.7").status_code == 302


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
