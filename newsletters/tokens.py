"""Signed tokens in mailed links: confirming a subscription and unsubscribing from it.

* Confirmation: the subscription and the address it is for, valid for
  ``NEWSLETTERS_CONFIRMATION_HOURS``; it works only while the subscription waits and the address
  is still the account's.
* Unsubscribe: the subscription alone, without expiry (a link in last year's issue must still
  work, as RFC 8058 expects of one-click links); forging one needs the secret key.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

_CONFIRM_SALT = "newsletters.confirm"
_UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


class TokenInvalid(Exception):
    """Forged, damaged or expired."""


def confirmation_token(*, subscription_id: int, address: str) -> str:
    return signing.dumps({"s": subscription_id, "a": address}, salt=_CONFIRM_SALT)


def confirmation_claim(token: str) -> tuple[int, str]:
    """``(subscription_id, address)`` of a genuine, unexpired confirmation token."""
    max_age = settings.NEWSLETTERS_CONFIRMATION_HOURS * 60 * 60
    try:
        claim = signing.loads(token, salt=_CONFIRM_SALT, max_age=max_age)
        return int(claim["s"]), str(claim["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TokenInvalid from error


def unsubscribe_token(subscription_id: int) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(subscription_id))


def unsubscribe_subscription_id(token: str) -> int:
    try:
        return int(signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError) as error:
        raise TokenInvalid from error
