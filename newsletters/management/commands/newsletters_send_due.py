"""`manage.py newsletters_send_due`: what beat runs every two minutes, once, now.

In services mode it queues the batches for the workers; in the embedded mode (no broker) the
tasks run in this process, so the due issues are sent before it returns.
"""

from django.core.management.base import BaseCommand

from newsletters.tasks import newsletters_enqueue_due


class Command(BaseCommand):
    help = "Queue (or, without a broker, send) the newsletter issues whose members' time has come."

    def handle(self, *args: object, **options: object) -> None:
        batches = newsletters_enqueue_due()
        self.stdout.write(f"{batches} batch{'es' if batches != 1 else ''} queued.")
