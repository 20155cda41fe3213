"""Signals other apps listen to, so that sources/ never imports them.

``source_rating_changed`` is sent (``sender=Source``, keyword ``source_id``) after the transaction
that changed an outlet's combined bias, combined factuality or ownership commits. Receivers
(stories) queue their own recomputation; a rolled-back change sends nothing.
"""

from functools import partial

from django.db import transaction
from django.dispatch import Signal

from sources.models import Source

source_rating_changed = Signal()


def send_source_rating_changed_on_commit(*, source_id: int) -> None:
    """Send ``source_rating_changed`` once the current transaction commits (at once if none)."""
    transaction.on_commit(partial(source_rating_changed.send, sender=Source, source_id=source_id))
