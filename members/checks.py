"""System checks for the members app's configuration (ids members.E002 … members.E005)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from infra.checks import numbers_out_of_range

TOKEN_MIDDLEWARE = "members.middleware.ApiTokenMiddleware"  # noqa: S105 (a dotted path)
AUTH_MIDDLEWARE = "members.middleware.ReaderAuthenticationMiddleware"
# Django's own sets the session user the same way (without the reader cache).
AUTH_MIDDLEWARES = (AUTH_MIDDLEWARE, "django.contrib.auth.middleware.AuthenticationMiddleware")


@register()
def check_token_middleware_order(**kwargs: Any) -> list[Error]:
    middleware = list(settings.MIDDLEWARE)
    auth_positions = [middleware.index(name) for name in AUTH_MIDDLEWARES if name in middleware]
    if TOKEN_MIDDLEWARE in middleware and (
        not auth_positions or middleware.index(TOKEN_MIDDLEWARE) < min(auth_positions)
    ):
        return [
            Error(
                f"{TOKEN_MIDDLEWARE} must come after {AUTH_MIDDLEWARE}.",
                hint="Otherwise the session user replaces the token's user.",
                id="members.E002",
            )
        ]
    return []


@register()
def check_limits(**kwargs: Any) -> list[Error]:
    """Sign-in and API limits and the confirmation links' lifetime are positive whole numbers."""
    return numbers_out_of_range(
        [
            "MEMBERS_LOGIN_FAILURES_PER_USERNAME",
            "MEMBERS_LOGIN_FAILURES_PER_IP",
            "MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS",
            "MEMBERS_LOGIN_WINDOW_SECONDS",
            "MEMBERS_API_REQUESTS_PER_MINUTE",
            "MEMBERS_EMAIL_CONFIRMATION_HOURS",
        ],
        check_id="members.E004",
        whole=True,
    )


@register()
def check_trusted_proxy_count(**kwargs: Any) -> list[Error]:
    """The number of reverse proxies in front of the web process (0: none)."""
    return numbers_out_of_range(
        ["NEWSDESK_TRUSTED_PROXY_COUNT"], check_id="members.E003", whole=True, allow_zero=True
    )


@register()
def check_editors_emails(**kwargs: Any) -> list[Error]:
    """The editors' addresses that requests for Premium are mailed to are addresses."""
    addresses = settings.MEMBERS_EDITORS_EMAILS
    if not isinstance(addresses, list | tuple):
        return [
            Error(
                f"MEMBERS_EDITORS_EMAILS must be a list of e-mail addresses (it is {addresses!r}).",
                id="members.E005",
            )
        ]
    errors = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            errors.append(
                Error(
                    f"MEMBERS_EDITORS_EMAILS holds {address!r}, which is not an e-mail address.",
                    hint="Set NEWSDESK_EDITORS_EMAIL to comma-separated addresses, or leave it "
                    "empty to list requests for Premium in the admin only.",
                    id="members.E005",
                )
            )
    return errors
