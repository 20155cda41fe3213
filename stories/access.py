"""Who may see premium figures: the one switch every reader surface goes through.

Premium depth (factuality distribution, ownership breakdown, a source's factuality and
ownership details) is shown only when ``viewer_has_premium`` says so. Pages, fragment caches,
ETags, the JSON API and feeds all ask this module, never anything else, and membership is
decided by ``members.access`` alone.
"""

from __future__ import annotations

from typing import Any

from members.access import user_has_premium

PREMIUM = "premium"
FREE = "free"


def viewer_has_premium(user: Any) -> bool:
    """True if ``user`` holds a premium membership valid now (members.access decides)."""
    return user_has_premium(user)


def viewer_tier(user: Any) -> str:
    """The tier name that keys caches and ETags: ``"premium"`` or ``"free"``."""
    return PREMIUM if viewer_has_premium(user) else FREE
