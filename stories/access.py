"""Who may see premium figures: the one switch every reader surface goes through.

Premium depth (factuality distribution, ownership breakdown, a source's factuality and
ownership details) is shown only when ``viewer_has_premium`` says so. Pages, fragment caches,
ETags, the JSON API and feeds all ask this module, never anything else, so the members issue
(issue 7) implements membership here and nowhere else.
"""

from __future__ import annotations

from typing import Any

PREMIUM = "premium"
FREE = "free"


def viewer_has_premium(user: Any) -> bool:
    """True if ``user`` may see premium figures.

    Membership does not exist yet (issue 7), so nobody has premium: every reader, signed in
    or not, gets the free tier and the "Upgrade to Premium" prompt in place of gated panels.
    """
    return False


def viewer_tier(user: Any) -> str:
    """The tier name that keys caches and ETags: ``"premium"`` or ``"free"``."""
    return PREMIUM if viewer_has_premium(user) else FREE
