"""How many tasks wait in each Celery queue (the operator view's backlog column)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from kombu.exceptions import ChannelError

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
            for name in names:
                backlog[name] = _waiting_in(connection, name)
    except Exception:  # a broker outage must not take the ops page down with it
        logger.warning("queue backlog unavailable", exc_info=True)
        return dict.fromkeys(names)
    return backlog


def _waiting_in(connection: Any, name: str) -> int:
    """Messages waiting in queue ``name``; 0 for a queue nothing was ever sent to.

    A passive declare of a queue the broker has never seen fails with "not found" (and closes
    the channel on AMQP brokers), so each queue is asked on a channel of its own.
    """
    channel = connection.channel()
    try:
        return channel.queue_declare(queue=name, passive=True).message_count
    except ChannelError:
        return 0
    finally:
        channel.close()
