"""factory_boy factories for members tests (readers, outlets, stories, articles, reads)."""

from __future__ import annotations

from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model

from members.models import GrantOrigin, Membership, ReadEvent, Tier
from sources.models import Source
from stories.models import Article, Story

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple 7"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    tier = Tier.PREMIUM
    valid_from = T0
    valid_until = None
    reason = "factory"
    origin = GrantOrigin.ADMIN


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")
    bias = "center"
    factuality = "high"


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    slug = factory.Sequence(lambda n: f"story-{n}")
    headline = factory.Sequence(lambda n: f"Story number {n}")
    first_seen_at = T0
    last_updated_at = T0


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    source = factory.SubFactory(SourceFactory)
    canonical_url = factory.Sequence(lambda n: f"https://news.example/a/{n}")
    url = factory.LazyAttribute(lambda article: article.canonical_url)
    title = factory.Sequence(lambda n: f"Article number {n}")
    published_at = T0
    status = "extracted"


class ReadEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadEvent

    user = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)
    read_at = T0
