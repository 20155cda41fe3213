"""What an SMTP refusal means for a subscription. Pure module.

* 4xx: the server may take it later (mailbox full, greylisting): a soft bounce, nothing changes.
* 5xx with enhanced status class 5.7 (security or policy: "message refused as spam", "blocked by
  recipient") or a message saying spam or abuse: the receiving side does not want our mail,
  a complaint, and the subscription is suspended.
* Any other 5xx (no such user, domain gone): a hard bounce; the subscription is suspended.
"""

from __future__ import annotations

import re

HARD = "hard"
SOFT = "soft"
COMPLAINT = "complaint"

_POLICY_STATUS = re.compile(r"\b5\.7\.\d{1,3}\b")
_COMPLAINT_WORDS = re.compile(r"\b(spam|abuse|complain\w*|unsolicited)\b", re.IGNORECASE)


def classify(code: int, message: str) -> str:
    """``HARD``, ``SOFT`` or ``COMPLAINT`` for an SMTP reply ``code`` and its text."""
    if 400 <= code < 500:
        return SOFT
    if _POLICY_STATUS.search(message) or _COMPLAINT_WORDS.search(message):
        return COMPLAINT
    return HARD


def suspends(kind: str) -> bool:
    """Whether a refusal of this kind stops further mail to the address."""
    return kind in (HARD, COMPLAINT)
