"""Who may use an e-mail address: its owner. A new address (at sign-up or on the profile) is
set only when someone opens the signed link mailed to it, and an address another account
already has is never set: that account's owner gets a notice instead. Callers answer the same
either way, so no form tells anyone whether an address has an account.

A link carries the account, the new address and the account's address when the link was made,
signed and valid for ``MEMBERS_EMAIL_CONFIRMATION_HOURS``; once the account's address changes
(this link used, or another one) it stops working. Addresses are unique whatever their case,
in the database too (migration ``0003``), so two links racing for one address cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

_SALT = "members.emails.confirm"


class EmailLinkInvalid(Exception):
    """The link is forged, expired or already used, or its address now belongs to another
    account."""


def email_normalize(address: str) -> str:
    """``address`` as stored: trimmed, its domain in lower case."""
    return get_user_model().objects.normalize_email(address.strip())


def email_in_use(*, address: str, exclude: User | None = None) -> bool:
    """Whether an account other than ``exclude`` has ``address``, whatever its case."""
    accounts = get_user_model().objects.filter(email__iexact=address)
    if exclude is not None:
        accounts = accounts.exclude(pk=exclude.pk)
    return accounts.exists()


def email_change_request(
    *, user: User, address: str, confirm_url: Callable[[str], str], password_reset_url: str
) -> None:
    """Mail ``address`` a link that makes it ``user``'s address (``confirm_url`` turns the
    link's signed claim into an absolute URL), or, if another account has it, mail that account a
    notice pointing at ``password_reset_url`` instead."""
    if email_in_use(address=address, exclude=user):
        _mail("registration/email_in_use", address, {"password_reset_url": password_reset_url})
        return
    claim = signing.dumps({"user": user.pk, "email": address, "was": user.email}, salt=_SALT)
    context = {
        "user": user,
        "url": confirm_url(claim),
        "hours": settings.MEMBERS_EMAIL_CONFIRMATION_HOURS,
    }
    _mail("registration/email_confirm", address, context)


def email_change_confirm(*, claim: str) -> User:
    """Set the address of a link made by ``email_change_request``; returns its account.

    Raises ``EmailLinkInvalid`` unless the link is genuine, unexpired, unused and its address
    still free. Locks the account's row while it re-checks and writes.
    """
    max_age = settings.MEMBERS_EMAIL_CONFIRMATION_HOURS * 60 * 60
    try:
        claimed = signing.loads(claim, salt=_SALT, max_age=max_age)
    except signing.BadSignature as error:  # SignatureExpired included
        raise EmailLinkInvalid from error
    try:
        with transaction.atomic():
            user = (
                get_user_model()
                .objects.select_for_update()
                .filter(pk=claimed["user"], is_active=True)
                .first()
            )
            if user is None or user.email != claimed["was"]:
                raise EmailLinkInvalid
            if email_in_use(address=claimed["email"], exclude=user):
                raise EmailLinkInvalid
            user.email = claimed["email"]
            user.save(update_fields=["email"])
    except IntegrityError as error:  # another account took the address meanwhile
        raise EmailLinkInvalid from error
    return user


def _mail(template: str, address: str, context: dict[str, object]) -> None:
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}_email.txt", context)
    send_mail(subject, body, None, [address])
