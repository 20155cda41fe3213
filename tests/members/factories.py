"""The shared factories (tests/factories.py), set at one fixed moment, ``T0``, so that reading
windows and expiry in the members tests are exact."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from tests import factories
from tests.factories import PASSWORD, SourceFactory, StaffFactory, UserFactory

__all__ = [
    "PASSWORD",
    "T0",
    "ArticleFactory",
    "MembershipFactory",
    "ReadEventFactory",
    "SourceFactory",
    "StaffFactory",
    "StoryFactory",
    "UserFactory",
]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class MembershipFactory(factories.MembershipFactory):
    valid_from = T0


class StoryFactory(factories.StoryFactory):
    first_seen_at = T0
    last_updated_at = T0


class ArticleFactory(factories.ArticleFactory):
    published_at = T0
    status = "extracted"


class ReadEventFactory(factories.ReadEventFactory):
    article = factory.SubFactory(ArticleFactory)
    read_at = T0
