"""Who sent a request, typed: the signed-in ``User`` or None."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


def signed_in_user(request: HttpRequest) -> User | None:
    """``request.user`` when someone is signed in, else None (an anonymous visitor)."""
    user = request.user
    return user if isinstance(user, User) else None
