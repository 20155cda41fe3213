"""Who may see premium figures: the one switch every reader surface goes through.

Premium depth (factuality distribution, ownership breakdown, a source's factuality and
ownership details) is shown only when ``viewer_has_premium`` says so. Pages, fragment caches,
ETags, the JSON API and feeds all ask this module, never anything else.

Who holds premium is the members app's business, and stories must not import it (members
imports stories). So members plugs its answer in at start-up with :func:`set_premium_check`
(``MembersConfig.ready``); until something does, nobody has premium.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

PREMIUM = "premium"
FREE = "free"

PremiumCheck = Callable[[Any], bool]


def _nobody(user: Any) -> bool:
    return False


_premium_check: PremiumCheck = _nobody


def set_premium_check(check: PremiumCheck) -> None:
    """Install the function that says whether a user holds premium now."""
    global _premium_check
    _premium_check = check


def viewer_has_premium(user: Any) -> bool:
    """True if ``user`` holds a premium membership valid now (the installed check decides)."""
    return _premium_check(user)


def viewer_tier(user: Any) -> str:
    """The tier name that keys caches and ETags: ``"premium"`` or ``"free"``."""
    return PREMIUM if viewer_has_premium(user) else FREE


# Story.figures keys only premium readers get.
PREMIUM_FIGURES: tuple[str, ...] = ("factuality", "ownership")


def public_figures(figures: Mapping[str, Any], *, premium: bool) -> dict[str, Any]:
    """``figures`` without the premium keys unless ``premium``."""
    if premium:
        return dict(figures)
    return {key: value for key, value in figures.items() if key not in PREMIUM_FIGURES}
