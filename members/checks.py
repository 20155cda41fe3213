"""System checks for the members app's configuration (ids members.E002, members.E003)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

TOKEN_MIDDLEWARE = "members.middleware.ApiTokenMiddleware"  # noqa: S105 (a dotted path)
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@register()
def check_token_middleware_order(**kwargs: Any) -> list[Error]:
    middleware = list(settings.MIDDLEWARE)
    if TOKEN_MIDDLEWARE in middleware and (
        AUTH_MIDDLEWARE not in middleware
        or middleware.index(TOKEN_MIDDLEWARE) < middleware.index(AUTH_MIDDLEWARE)
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
def check_trusted_proxy_count(**kwargs: Any) -> list[Error]:
    count = getattr(settings, "NEWSDESK_TRUSTED_PROXY_COUNT", 0)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return [
            Error(
                "NEWSDESK_TRUSTED_PROXY_COUNT must be a whole number, 0 or more.",
                hint="The number of reverse proxies in front of the web process (0: none).",
                id="members.E003",
            )
        ]
    return []
