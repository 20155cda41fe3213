"""The password-reset form cannot be used to flood an inbox (limits in members.ratelimit)."""

import pytest
from django.core import mail
from django.urls import reverse

from members.ratelimit import RESET_MAILS_PER_ADDRESS, RESET_REQUESTS_PER_IP
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
