"""What the broker holds: whether a task's queue is empty.

The recovery sweeps ask it: with nothing waiting in a queue, work the database still marks as
pending for that queue's tasks has lost its message (a broker restarted without persistence,
a publish that gave up), and can be queued again at once instead of after a long quiet time.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from kombu.exceptions import ChannelError, OperationalError

# Quiet time before work whose queue is empty counts as lost: longer than the retries of a
# publish that waits for the broker (infra.tasks.ENQUEUE_RETRY_POLICY, about 20 s), so work
# committed a moment ago whose message is still on its way is not queued twice.
IDLE_QUEUE_QUIET_SECONDS = 60


def queue_of(task_name: str) -> str:
    """The queue ``task_name`` is routed to (settings.CELERY_TASK_ROUTES)."""
    route = current_app.amqp.router.route({}, task_name, args=(), kwargs={})
    return route["queue"].name


def queue_is_empty(name: str) -> bool:
    """Whether the broker's queue ``name`` holds no message right now.

    False whenever it cannot be told: no broker (the embedded mode runs tasks in-process) or a
    broker that does not answer. Messages a worker has already taken (running, or waiting for a
    retry's countdown) are not in the queue; callers rely on row locks and quiet times for them.
    """
    app = current_app
    if app.conf.task_always_eager:
        return False
    with app.connection_for_read() as connection:
        unreachable: tuple[type[BaseException], ...] = (
            OperationalError,
            *connection.connection_errors,
        )
        try:
            connection.ensure_connection(max_retries=1)
            channel: Any = connection.default_channel
            _queue, message_count, _consumers = channel.queue_declare(queue=name, passive=True)
        except ChannelError:
            # Redis keeps no empty list: a queue with no message does not exist.
            return True
        except unreachable:
            return False
    return message_count == 0
