"""One daily briefing built and sent to 10,000 members through a real SMTP server on loopback.

    .venv/bin/python bench/newsletters.py [--members 10000] [--stories 200] [--batch 100]

Fills its own PostgreSQL database (``BENCH_NEWSLETTERS_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/newsdesk_bench_newsletters``, created if missing and
emptied first) with stories (each about two of 30 topics, covered by 3-22 of 40 outlets) and
members subscribed to the daily briefing (one in ten with premium; a third follow nothing, the
others one to four topics and up to two outlets, one in ten mutes an outlet, so most mails
carry a "From what you follow" of their own), starts an aiosmtpd server on loopback in a
process of its own (so it does not share the sender's interpreter), then, with the clock at
the members' send time:

* plans: ``newsletters.services.newsletters_enqueue_due`` builds the issue and makes one
  delivery per member (what beat runs);
* sends: ``newsletters.tasks.newsletter_send_batch`` (through Celery, run in-process: no
  broker) batch after batch until nothing is queued, over Django's SMTP backend, by
  ``--senders`` threads at once (as a worker with that concurrency: each has its own database
  and SMTP connection, and the claims keep them apart).

The sender's CPU time per message is printed too: on a shared machine the wall-clock rate
depends on what else runs.

It prints the time and queries of each phase, the messages the server received, and the
queries per message at a smaller size too (members / 10, stories / 10), to show they do not grow
with members or stories. Last line: ``newsletters N messages/s, Q queries/message`` (sending).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_bench_newsletters"
# 07:00 UTC on a Friday: every bench member's chosen time.
SEND_AT = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def serve_smtp(port: int, received, ready) -> None:  # type: ignore[no-untyped-def]
    """The SMTP server process: counts the messages it accepts into ``received``."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            with received.get_lock():
                received.value += 1
            return "250 Message accepted for delivery"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


# A mid-sized outlet catalogue and a home page's worth of sections, places and people.
OUTLETS = 40
TOPICS = 30
TOPICS_PER_STORY = 2


def fill_links(*, stories: list, tag: str) -> tuple[list[int], list[int]]:  # type: ignore[type-arg]
    """Outlets and topics, each story's articles (one per covering outlet) and topic rows;
    returns the outlet and topic ids."""
    from sources.models import Source
    from stories.models import Article, StoryTopic, Topic, TopicKind

    outlets = Source.objects.bulk_create(
        Source(name=f"Bench Outlet {n}", slug=f"{tag}-outlet-{n}", domain=f"{tag}-{n}.example")
        for n in range(OUTLETS)
    )
    topics = Topic.objects.bulk_create(
        Topic(kind=TopicKind.SECTION, slug=f"{tag}-topic-{n}", name=f"Bench topic {n}")
        for n in range(TOPICS)
    )
    Article.objects.bulk_create(
        (
            Article(
                canonical_url=f"https://{outlets[(n + k) % OUTLETS].domain}/{tag}/{n}",
                url=f"https://{outlets[(n + k) % OUTLETS].domain}/{tag}/{n}",
                title=story.headline,
                source=outlets[(n + k) % OUTLETS],
                story=story,
                published_at=story.last_updated_at,
            )
            for n, story in enumerate(stories)
            for k in range(story.source_count)
        ),
        batch_size=2000,
    )
    StoryTopic.objects.bulk_create(
        StoryTopic(
            story=story,
            topic=topics[(n * 7 + k * 11) % TOPICS],
            last_updated_at=story.last_updated_at,
        )
        for n, story in enumerate(stories)
        for k in range(TOPICS_PER_STORY)
    )
    return [outlet.pk for outlet in outlets], [topic.pk for topic in topics]


def fill_follows(*, user_ids: list[int], outlet_ids: list[int], topic_ids: list[int]) -> None:
    """A third of the members follow nothing; the others one to four topics and up to two
    outlets; one in ten mutes an outlet."""
    from members.models import SourceFollow, SourceMute, TopicFollow

    topic_follows, source_follows, mutes = [], [], []
    for n, user_id in enumerate(user_ids):
        if n % 3 == 0:
            continue
        for k in range(1 + n % 4):
            topic_follows.append(
                TopicFollow(user_id=user_id, topic_id=topic_ids[(n + 5 * k) % TOPICS])
            )
        for k in range(n % 3):
            source_follows.append(
                SourceFollow(user_id=user_id, source_id=outlet_ids[(3 * n + 7 * k) % OUTLETS])
            )
        if n % 10 == 1:
            mutes.append(SourceMute(user_id=user_id, source_id=outlet_ids[(n + 20) % OUTLETS]))
    TopicFollow.objects.bulk_create(topic_follows, batch_size=2000)
    SourceFollow.objects.bulk_create(source_follows, batch_size=2000)
    SourceMute.objects.bulk_create(mutes, batch_size=2000)


def fill(*, members: int, stories: int, tag: str) -> None:
    """``stories`` stories of the last day, their outlets and topics, and ``members``
    daily-briefing subscribers with their follows."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from members.models import GrantOrigin, Membership, Tier
    from newsletters.models import Newsletter, NewsletterKind, Subscription, SubscriptionStatus
    from stories.models import Story

    made = Story.objects.bulk_create(
        Story(
            slug=f"{tag}-story-{n}",
            headline=f"Bench story {n}: council votes on the harbour plan",
            summary=[f"First point of story {n}.", f"Second point of story {n}.", "Third."],
            figures={"factuality": {"high": 3, "mixed": 1}, "blindspot_reason": ""},
            article_count=8,
            source_count=3 + n % 20,
            origin_count=2 + n % 10,
            left_count=1 + n % 5,
            center_count=1 + n % 7,
            right_count=1 + n % 3,
            first_seen_at=SEND_AT - timedelta(hours=10),
            last_updated_at=SEND_AT - timedelta(minutes=5 + n),
        )
        for n in range(stories)
    )
    outlet_ids, topic_ids = fill_links(stories=made, tag=tag)
    daily, _ = Newsletter.objects.get_or_create(
        kind=NewsletterKind.DAILY_BRIEFING,
        defaults={"name": "Daily briefing", "description": "The day's top stories."},
    )
    password = make_password(None)
    User = get_user_model()
    User.objects.bulk_create(
        (
            User(
                username=f"{tag}-member-{n}",
                email=f"{tag}-member-{n}@example.org",
                password=password,
            )
            for n in range(members)
        ),
        batch_size=2000,
    )
    users = list(
        User.objects.filter(username__startswith=f"{tag}-member-").values_list("pk", "email")
    )
    confirmed = SEND_AT - timedelta(days=3)
    Subscription.objects.bulk_create(
        (
            Subscription(
                user_id=pk,
                newsletter=daily,
                status=SubscriptionStatus.ACTIVE,
                address=email,
                time_zone="UTC",
                requested_at=confirmed,
                confirmed_at=confirmed,
            )
            for pk, email in users
        ),
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        (
            Membership(
                user_id=pk,
                tier=Tier.PREMIUM,
                valid_from=confirmed,
                reason="bench",
                origin=GrantOrigin.COMMAND,
            )
            for pk, _ in users[::10]
        ),
        batch_size=2000,
    )
    fill_follows(user_ids=[pk for pk, _ in users], outlet_ids=outlet_ids, topic_ids=topic_ids)


def run(*, members: int, stories: int, senders: int, received) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from members.models import SourceFollow, TopicFollow
    from newsletters import services, tasks
    from newsletters.models import Delivery, DeliveryStatus

    call_command("flush", verbosity=0, interactive=False)
    fill(members=members, stories=stories, tag=f"m{members}")
    following = len(
        set(TopicFollow.objects.values_list("user_id", flat=True))
        | set(SourceFollow.objects.values_list("user_id", flat=True))
    )
    before = received.value
    # The planner takes the clock as an argument; the senders stamp their rows with the real one.
    started = time.perf_counter()
    with counting() as planning:
        plans = services.newsletters_enqueue_due(now=SEND_AT + timedelta(minutes=1))
    plan_seconds = time.perf_counter() - started
    [plan] = plans
    counters: list[QueryCounter] = []

    def sender() -> None:
        # One Celery worker process's loop: batch after batch until nothing is queued.
        from django.db import connection

        with counting() as counter:
            while tasks.newsletter_send_batch.apply(args=(plan.issue_id,)).get():
                pass
        counters.append(counter)
        connection.close()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    send_seconds = time.perf_counter() - started
    send_cpu_seconds = time.process_time() - cpu_started
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    deadline = time.monotonic() + 10
    while received.value - before < sent and time.monotonic() < deadline:
        time.sleep(0.05)
    return {
        "members": members,
        "following": following,
        "stories": stories,
        "sent": sent,
        "received": received.value - before,
        "plan_seconds": plan_seconds,
        "plan_queries": planning.count,
        "send_seconds": send_seconds,
        "send_cpu_seconds": send_cpu_seconds,
        "send_queries": sum(counter.count for counter in counters),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--senders", type=int, default=4, help="concurrent senders, as a worker's concurrency"
    )
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_NEWSLETTERS_DATABASE_URL", DEFAULT_DATABASE_URL)
    from bench.pages import ensure_database
    from tests.newsletters.smtp_server import free_port

    ensure_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)  # Celery runs the tasks in-process
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")

    context = multiprocessing.get_context("spawn")
    received = context.Value("i", 0)
    ready = context.Event()
    port = free_port()
    server = context.Process(target=serve_smtp, args=(port, received, ready), daemon=True)
    server.start()
    ready.wait(30)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.NEWSLETTERS_BATCH_SIZE = args.batch
    settings.NEWSLETTERS_SITE_URL = "https://news.example.org"
    call_command("migrate", verbosity=0, interactive=False)

    try:
        small = run(
            members=max(args.members // 10, 1),
            stories=max(args.stories // 10, 1),
            senders=args.senders,
            received=received,
        )
        full = run(
            members=args.members, stories=args.stories, senders=args.senders, received=received
        )
    finally:
        server.terminate()
    load = os.getloadavg()[0]
    print(
        f"batch size {args.batch}, {args.senders} concurrent senders, "
        f"PostgreSQL at {database_url.rsplit('@', 1)[-1]}, "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    for result in (small, full):
        sent = result["sent"] or 1
        print(
            f"{result['members']:>6} members ({result['following']} following), "
            f"{result['stories']:>4} stories: "
            f"plan {result['plan_seconds']:.2f} s ({result['plan_queries']} queries, "
            f"{result['plan_queries'] / sent:.3f}/message); "
            f"send {result['sent']} in {result['send_seconds']:.2f} s = "
            f"{result['sent'] / result['send_seconds']:.0f} messages/s, sender CPU "
            f"{1000 * result['send_cpu_seconds'] / sent:.1f} ms/message "
            f"({result['send_queries']} queries, {result['send_queries'] / sent:.3f}/message); "
            f"server received {result['received']}"
        )
    rate = full["sent"] / full["send_seconds"]
    per_message = full["send_queries"] / (full["sent"] or 1)
    print(f"newsletters {rate:.0f} messages/s, {per_message:.2f} queries/message")


if __name__ == "__main__":
    main()
