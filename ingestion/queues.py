"""How many tasks wait in each Celery queue (the operator view's backlog column)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


def queue_backlog() -> dict[str, int | None]:
    """Messages waiting per queue; None when the broker cannot say (in-process mode, outage)."""
    names = list(settings.CELERY_QUEUE_NAMES)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return dict.fromkeys(names)
    from celery import current_app as app

    backlog: dict[str, int | None] = {}
    try:
        with app.connection_for_read() as connection:
            channel: Any = connection.default_channel  # kombu's stubs omit queue_declare
            for name in names:
                backlog[name] = channel.queue_declare(queue=name, passive=True).message_count
    except Exception:  # a broker outage must not take the ops page down with it
        logger.warning("queue backlog unavailable", exc_info=True)
        return dict.fromkeys(names)
    return backlog
