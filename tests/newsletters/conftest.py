"""Newsletter fixtures: a real SMTP server on loopback, mail links on the test server, and
members subscribed to a newsletter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from newsletters.models import (
    Newsletter,
    NewsletterKind,
    Subscription,
    SubscriptionStatus,
)
from tests.newsletters.smtp_server import Collector, SmtpServer

SITE = "http://newsdesk.test"
LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Mail budgets and pages are counted in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Tests make many members; the production hasher's cost is not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp(settings) -> Iterator[Collector]:
    """A real SMTP server on loopback that Django's SMTP backend sends to."""
    server = SmtpServer().start()
    for name, value in server.django_settings().items():
        setattr(settings, name, value)
    settings.NEWSLETTERS_SITE_URL = SITE
    yield server.collector
    server.stop()


def daily() -> Newsletter:
    """The daily briefing (made by migration; made again after a transactional test's flush)."""
    return Newsletter.objects.get_or_create(
        kind=NewsletterKind.DAILY_BRIEFING,
        defaults={"name": "Daily briefing", "description": "The day's top stories."},
    )[0]


def blindspot_report() -> Newsletter:
    return Newsletter.objects.get_or_create(
        kind=NewsletterKind.BLINDSPOT_REPORT,
        defaults={"name": "Blindspot report", "description": "Weekly.", "weekday": 0},
    )[0]


def subscribe(
    user,
    *,
    newsletter: Newsletter | None = None,
    send_time: time = time(7, 0),
    time_zone: str = "UTC",
) -> Subscription:
    """An active subscription confirmed a week before now (as if through the mailed link)."""
    now = timezone.now()
    return Subscription.objects.create(
        user=user,
        newsletter=newsletter or daily(),
        status=SubscriptionStatus.ACTIVE,
        send_time=send_time,
        time_zone=time_zone,
        address=user.email,
        requested_at=now - timezone.timedelta(days=7),
        confirmed_at=now - timezone.timedelta(days=7),
    )


def links(text: str) -> list[str]:
    return LINK.findall(text)


def parts(message) -> tuple[str, str]:
    """The text and HTML parts of a received message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def unsubscribe_header_url(message) -> str:
    """The address of the message's ``List-Unsubscribe`` header (a long header is folded)."""
    return str(message["List-Unsubscribe"]).strip().strip("<>")
