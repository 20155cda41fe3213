"""API token format and digest. Pure module (no ORM, no settings)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "nd_"  # noqa: S105 (a visible marker, not a secret)
TOKEN_RANDOM_BYTES = 32
DISPLAY_PREFIX_CHARS = 10


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)


def token_digest(token: str) -> str:
    # A fast hash is enough: the token carries 256 random bits, nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else None."""
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token
