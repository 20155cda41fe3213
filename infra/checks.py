"""A system-check helper the apps share for the numeric settings they declare in settings.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.checks import Error


def numbers_out_of_range(
    names: Iterable[str], *, check_id: str, whole: bool = False, allow_zero: bool = False
) -> list[Error]:
    """One :class:`Error` per setting of ``names`` that is not a positive number (a whole one
    when ``whole``; 0 allowed when ``allow_zero``)."""
    errors = []
    for name in names:
        value = getattr(settings, name)
        kind = int if whole else (int, float)
        valid = (
            isinstance(value, kind)
            and not isinstance(value, bool)
            and (value > 0 or (allow_zero and value == 0))
        )
        if not valid:
            what = "a whole number" if whole else "a number"
            bound = "0 or more" if allow_zero else "above 0"
            errors.append(Error(f"{name} must be {what}, {bound} (it is {value!r}).", id=check_id))
    return errors
