"""Model factories shared by the suite (factory-boy).

``story_with_articles`` builds a story the way the pipeline leaves it: articles from rated
outlets, and the coverage figures computed by ``stories.coverage`` and stored on the story.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from members.models import GrantOrigin, Membership, ReadEvent, Tier
from members.services import membership_grant_premium
from sources.models import Feed, Rating, Source
from sources.scales import BiasLabel, FactualityLabel, OwnershipCategory, Rater
from stories.coverage import CoverageMember, compute_figures
from stories.models import Article, Story

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
    valid_from = factory.LazyFunction(timezone.now)
    valid_until = None
    reason = "factory"
    origin = GrantOrigin.ADMIN


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.domain}/")
    country = "US"
    bias = BiasLabel.CENTER
    factuality = FactualityLabel.HIGH
    ownership_category = OwnershipCategory.CORPORATION
    owner_name = factory.Sequence(lambda n: f"Owner Holdings {n}")


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    source = factory.SubFactory(SourceFactory)
    url = factory.Sequence(lambda n: f"https://feeds.example/{n}.xml")
    title = factory.LazyAttribute(lambda o: f"{o.source.name} feed")


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    source = factory.SubFactory(SourceFactory)
    rater = Rater.ALLSIDES
    bias_label = "Center"
    url = factory.LazyAttribute(lambda o: f"https://rater.example/{o.source.slug}")


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    slug = factory.Sequence(lambda n: f"story-{n}")
    headline = factory.Sequence(lambda n: f"Council approves budget number {n}")
    summary = factory.LazyFunction(lambda: ["First point of the story.", "Second point."])
    first_seen_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=6))
    last_updated_at = factory.LazyFunction(timezone.now)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    source = factory.SubFactory(SourceFactory)
    canonical_url = factory.Sequence(lambda n: f"https://news.example/a/{n}")
    url = factory.LazyAttribute(lambda o: o.canonical_url)
    title = factory.Sequence(lambda n: f"Article headline {n}")
    feed_summary = "What the feed said about this article."
    published_at = factory.LazyFunction(timezone.now)


class ReadEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadEvent

    user = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)
    read_at = factory.LazyFunction(timezone.now)


# One outlet per point of the scale, plus one without a rating.
ALL_BIASES: tuple[str, ...] = (
    BiasLabel.FAR_LEFT,
    BiasLabel.LEFT,
    BiasLabel.LEAN_LEFT,
    BiasLabel.CENTER,
    BiasLabel.LEAN_RIGHT,
    BiasLabel.RIGHT,
    BiasLabel.FAR_RIGHT,
    BiasLabel.UNRATED,
)


def refresh_story_figures(story: Story) -> Story:
    """Compute and store ``story``'s coverage figures and bump its version."""
    members = [
        CoverageMember(
            article_id=article.pk,
            source_id=article.source_id,
            bias=article.source.bias,
            factuality=article.source.factuality,
            ownership=article.source.ownership_category,
            wire_origin_id=article.wire_origin_id,
            seen_at=article.published_at,
        )
        for article in story.articles.select_related("source")
    ]
    figures = compute_figures(members)
    story.figures = figures.as_dict()
    for name, value in figures.column_values().items():
        setattr(story, name, value)
    if figures.last_updated_at:
        story.last_updated_at = figures.last_updated_at
    story.version += 1
    story.save()
    return story


def story_with_articles(
    article_count: int = 3,
    *,
    biases: Sequence[str] = ALL_BIASES,
    sources: Sequence[Source] | None = None,
    start: datetime | None = None,
    **story_fields: object,
) -> Story:
    """A story of ``article_count`` articles spread over outlets of ``biases``, 10 min apart."""
    story = StoryFactory(**story_fields)
    sources = list(sources or [SourceFactory(bias=bias) for bias in biases])
    start = start or timezone.now() - timedelta(minutes=10 * article_count)
    chosen = itertools.islice(itertools.cycle(sources), article_count)
    Article.objects.bulk_create(
        [
            ArticleFactory.build(
                story=story, source=source, published_at=start + timedelta(minutes=10 * index)
            )
            for index, source in enumerate(chosen)
        ]
    )
    return refresh_story_figures(story)


def sign_in_premium_member(client: Client) -> None:
    """Sign ``client`` in as a reader holding a real Premium membership."""
    user = get_user_model().objects.create_user("premium-member", password="x" * 16)
    membership_grant_premium(user=user, actor=None, reason="test", origin=GrantOrigin.COMMAND)
    client.force_login(user)
