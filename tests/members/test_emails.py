"""A reader's e-mail address is theirs: unique whatever its case, and set only through a link
mailed to it (members.emails). A security review found that the profile set any address at
once, another account's included."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/email/confirm/\S+)")


def ask_for_address(client, user, email: str):
    return client.post(
        reverse("profile"),
        {"first_name": user.first_name, "last_name": user.last_name, "email": email},
        follow=True,
    )


def confirmation_link(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


def signed_in_reader_asking_for_a_new_address(client):
    """A reader at old@example.org who asked for new@example.org; returns them and the link."""
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    ask_for_address(client, user, "new@example.org")
    return user, confirmation_link(mail.outbox[0])


@pytest.mark.parametrize("owned_by_another", [False, True], ids=["free", "another accounts"])
def test_a_profile_address_is_only_mailed_never_set_at_once(client, owned_by_another):
    if owned_by_another:
        UserFactory(email="new@example.org")
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    page = ask_for_address(client, user, "NEW@example.org")

    user.refresh_from_db()
    assert user.email == "old@example.org"
    # The same answer either way; another account's owner is told, and gets no link.
    assert "We sent a confirmation link to NEW@example.org" in page.text
    assert [message.to for message in mail.outbox] == [["NEW@example.org"]]
    assert bool(CONFIRM_LINK.search(mail.outbox[0].body)) is not owned_by_another


def test_the_mailed_link_sets_the_new_address(client):
    user, link = signed_in_reader_asking_for_a_new_address(client)

    page = client.post(link)

    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert "Your e-mail address is now new@example.org" in page.text


def test_a_link_stops_working_once_another_account_has_the_address(client):
    user, link = signed_in_reader_asking_for_a_new_address(client)
    UserFactory(email="NEW@example.org")

    page = client.post(link)

    user.refresh_from_db()
    assert user.email == "old@example.org"
    assert "This confirmation link is no longer valid" in page.text


def test_a_used_link_does_not_set_the_address_again(client):
    user, link = signed_in_reader_asking_for_a_new_address(client)
    client.post(link)
    ask_for_address(client, user, "third@example.org")
    client.post(confirmation_link(mail.outbox[-1]))

    client.post(link)

    user.refresh_from_db()
    assert user.email == "third@example.org"


def test_a_tampered_link_is_refused(client):
    user, link = signed_in_reader_asking_for_a_new_address(client)

    response = client.post(link[:-3] + "abc/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "old@example.org"


def test_signing_up_mails_a_confirmation_link_for_the_address(client):
    client.post(
        reverse("signup"),
        {
            "username": "newreader",
            "email": "new@example.org",
            "password1": "a long enough passphrase 4",
            "password2": "a long enough passphrase 4",
        },
    )
    user = get_user_model().objects.get(username="newreader")
    assert user.email == ""

    client.post(confirmation_link(mail.outbox[0]))

    user.refresh_from_db()
    assert user.email == "new@example.org"


def test_the_database_refuses_two_accounts_with_one_address_in_any_case():
    UserFactory(email="reader@example.org")

    with pytest.raises(IntegrityError):
        UserFactory(email="Reader@Example.org")


def test_many_accounts_may_have_no_address():
    UserFactory(email="")

    UserFactory(email="")


def test_opening_the_link_alone_does_not_change_the_address(client):
    # Mail scanners open links; only the button on the page confirms.
    user, link = signed_in_reader_asking_for_a_new_address(client)

    page = client.get(link)

    user.refresh_from_db()
    assert user.email == "old@example.org"
    assert "Confirm this address" in page.text
