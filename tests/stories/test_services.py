"""stories.services on the real database: placement, refresh, merges, editors' moves."""

import random
from datetime import timedelta

import pytest
from django.db import transaction

from sources.models import Source
from sources.scales import Rater
from sources.services import source_upsert_rating
from stories import clustering, services
from stories.models import Article, Story
from tests.stories.factories import T0, make_article, make_source, waiting_for_the_lock

pytestmark = pytest.mark.django_db


def cluster(article: Article) -> int:
    story_id = services.article_cluster(article_id=article.id)
    services.story_refresh(story_id=story_id)
    return story_id


def test_articles_about_one_event_join_one_story():
    first = make_article("Mt. Gox files for bankruptcy protection in the US")
    second = make_article("Bitcoin exchange Mt. Gox files US bankruptcy case", minutes=4)
    assert cluster(first) == cluster(second)


def test_an_article_about_another_event_starts_a_new_story():
    first = make_article("Mt. Gox files for bankruptcy protection in the US")
    second = make_article("Taylor Swift tops Billboard's list of music money makers", minutes=4)
    assert cluster(first) != cluster(second)


def refreshes_queued(callbacks) -> list[int]:
    """The story ids of the refreshes the captured after-commit callbacks would queue."""
    return [
        callback.args[1]
        for callback in callbacks
        if callback.args[0].name == "stories.tasks.story_refresh"
    ]


def test_articles_joining_one_story_within_seconds_queue_one_refresh(
    django_capture_on_commit_callbacks,
):
    titles = [
        "Mt. Gox files for bankruptcy protection in the US",
        "Bitcoin exchange Mt. Gox files US bankruptcy case",
        "Mt. Gox files for US bankruptcy protection",
    ]
    with django_capture_on_commit_callbacks() as callbacks:
        story_ids = {
            services.article_cluster(
                article_id=make_article(title, minutes=n).id, queue_refresh=True
            )
            for n, title in enumerate(titles)
        }

    assert len(story_ids) == 1
    assert refreshes_queued(callbacks) == list(story_ids)


def test_an_article_joining_after_the_refresh_ran_queues_another(
    django_capture_on_commit_callbacks,
):
    first = make_article("Mt. Gox files for bankruptcy protection in the US")
    story_id = services.article_cluster(article_id=first.id, queue_refresh=True)
    services.story_refresh(story_id=story_id)
    later = make_article("Bitcoin exchange Mt. Gox files US bankruptcy case", minutes=4)

    with django_capture_on_commit_callbacks() as callbacks:
        services.article_cluster(article_id=later.id, queue_refresh=True)

    assert refreshes_queued(callbacks) == [story_id]


# Three events, one headline each way, arriving interleaved: joins, new stories and a
# headline that links two of them.
BATCH_TITLES = [
    "Mt. Gox files for bankruptcy protection in the US",
    "Sbarro files for bankruptcy protection",
    "Taylor Swift tops Billboard's list of music money makers",
    "Bitcoin exchange Mt. Gox files US bankruptcy case",
    "Sbarro pizza chain to close restaurants under bankruptcy plan",
    "Sbarro files for bankruptcy, pizza chain closes restaurants",
    "Mt. Gox files for US bankruptcy protection",
    "Billboard: Taylor Swift is music's top money maker",
]


def story_groups() -> set[frozenset[int]]:
    """The articles grouped by story, whatever the stories' ids."""
    groups: dict[int, set[int]] = {}
    for article_id, story_id in Article.objects.values_list("id", "story_id"):
        groups.setdefault(story_id, set()).add(article_id)
    return {frozenset(group) for group in groups.values()}


def test_a_batch_places_its_articles_as_one_by_one_placement_in_that_order_would():
    articles = [make_article(title, minutes=n) for n, title in enumerate(BATCH_TITLES)]
    with transaction.atomic():
        for article in articles:
            services.article_cluster(article_id=article.id)
        one_by_one = story_groups()
        transaction.set_rollback(True)
    assert not Article.objects.filter(story__isnull=False).exists()
    waiting_for_the_lock(*articles)

    services.articles_cluster_waiting(article_id=articles[-1].id)

    assert story_groups() == one_by_one
    assert len(one_by_one) == 3


def test_an_articles_embedding_is_worked_out_once_by_its_own_task():
    """A batch takes only articles whose own task has kept their embedding: with several
    workers draining one queue, each would otherwise embed the same waiting articles."""
    earlier = make_article("Mt. Gox files for bankruptcy protection in the US")
    own = make_article("Bitcoin exchange Mt. Gox files US bankruptcy case", minutes=1)

    story_id = services.articles_cluster_waiting(article_id=own.id)

    assert Article.objects.get(id=own.id).embedding
    assert Article.objects.get(id=earlier.id).story_id is None
    assert not Article.objects.get(id=earlier.id).embedding
    assert services.articles_cluster_waiting(article_id=earlier.id) == story_id


def test_a_batch_places_the_earliest_stored_articles_and_its_own():
    articles = [make_article(title, minutes=n) for n, title in enumerate(BATCH_TITLES)]
    waiting_for_the_lock(*articles[:-1])

    story_id = services.articles_cluster_waiting(article_id=articles[-1].id, limit=3)

    placed = set(Article.objects.filter(story__isnull=False).values_list("id", flat=True))
    assert placed == {articles[0].id, articles[1].id, articles[-1].id}
    assert Article.objects.get(id=articles[-1].id).story_id == story_id


def test_a_batch_queues_one_refresh_per_story_it_opened(django_capture_on_commit_callbacks):
    articles = [make_article(title, minutes=n) for n, title in enumerate(BATCH_TITLES[:4])]
    waiting_for_the_lock(*articles)

    with django_capture_on_commit_callbacks() as callbacks:
        services.articles_cluster_waiting(article_id=articles[0].id)

    story_ids = set(Article.objects.values_list("story_id", flat=True))
    assert sorted(refreshes_queued(callbacks)) == sorted(story_ids)


def test_a_placed_article_is_left_where_it_is_by_a_batch():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    story_id = services.article_cluster(article_id=article.id)

    assert services.articles_cluster_waiting(article_id=article.id) == story_id
    assert Story.objects.count() == 1


def test_clustering_an_article_twice_keeps_its_story():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    story_id = cluster(article)
    assert services.article_cluster(article_id=article.id) == story_id
    assert Story.objects.count() == 1


def test_a_story_idle_beyond_the_window_is_not_joined(settings):
    settings.STORY_CLUSTER_WINDOW_HOURS = 2
    first = make_article("Sbarro files for Chapter 11 bankruptcy again")
    later = make_article("Sbarro files for Chapter 11 bankruptcy again", minutes=3 * 60)
    assert cluster(first) != cluster(later)


def test_refresh_stores_figures_equal_to_a_recomputation():
    center, left = make_source("center"), make_source("lean_left")
    story_id = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again", center))
    cluster(make_article("Pizza chain Sbarro files for Chapter 11 bankruptcy", left, minutes=2))
    story = Story.objects.get(id=story_id)
    assert story.figures == services.story_compute_figures(story=story).as_dict()
    assert (story.article_count, story.left_count, story.center_count) == (2, 1, 1)


def test_refresh_bumps_the_story_version():
    story_id = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again"))
    version = Story.objects.get(id=story_id).version
    services.story_refresh(story_id=story_id)
    assert Story.objects.get(id=story_id).version == version + 1


def test_an_editors_headline_is_never_replaced():
    story_id = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again"))
    Story.objects.filter(id=story_id).update(headline="Sbarro is bankrupt", headline_locked=True)
    cluster(make_article("Pizza chain Sbarro files for Chapter 11 bankruptcy", minutes=2))
    assert Story.objects.get(id=story_id).headline == "Sbarro is bankrupt"


def test_a_lead_that_heads_the_story_is_not_repeated_as_its_first_bullet():
    """The Economist's "Who will be South Korea's next president?" is headed by its lead; the
    page showed that sentence twice, as the headline and again as the summary's bullet."""
    lead = "After Yoon Suk Yeol's impeachment, the liberal opposition enjoys a clear lead."
    later = (
        "Lee Jae-myung, the opposition leader, has a double-digit advantage in the latest polls."
    )
    story_id = cluster(
        make_article("Who will be South Korea's next president?", text=f"{lead} {later}")
    )
    story = Story.objects.get(id=story_id)

    assert story.headline == lead.removesuffix(".")
    assert [bullet["text"] for bullet in story.summary] == [later]


def test_editor_merge_moves_articles_and_sticks():
    one = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again"))
    two = cluster(
        make_article("Taylor Swift tops Billboard's list of music money makers", minutes=1)
    )
    merged = services.stories_merge(
        into=Story.objects.get(id=one), others=[Story.objects.get(id=two)], by_editor=True
    )
    assert Article.objects.filter(story=merged).count() == 2
    assert Story.objects.get(id=two).merged_into_id == one
    assert Story.objects.get(id=one).merge_locked


def test_a_merged_away_story_is_never_a_candidate_again():
    one = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again"))
    two = cluster(make_article("Sbarro pizza chain is bankrupt for the second time", minutes=1))
    services.stories_merge(
        into=Story.objects.get(id=one), others=[Story.objects.get(id=two)], by_editor=True
    )
    later = make_article("Sbarro pizza chain is bankrupt for the second time", minutes=2)
    assert cluster(later) == one


def test_an_article_moved_by_an_editor_stays_locked_in_its_new_story():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    old = cluster(article)
    cluster(make_article("Sbarro pizza chain files for Chapter 11 bankruptcy", minutes=1))
    new_story = services.article_move(article=article, to_story=None)
    article.refresh_from_db()
    assert (article.story_id, article.story_locked) == (new_story.id, True)
    assert new_story.id != old


def test_the_merge_pass_does_not_undo_an_editors_split():
    article = make_article("Sbarro files for Chapter 11 bankruptcy again")
    cluster(article)
    cluster(make_article("Sbarro files for Chapter 11 bankruptcy again", minutes=1))
    services.article_move(article=article, to_story=None)
    assert services.stories_merge_pass(now=T0 + timedelta(hours=1)) == []


def link_nothing(settings) -> None:
    """Streaming links no article, by words or by meaning."""
    settings.STORY_CLUSTER_LINK_THRESHOLD = settings.STORY_CLUSTER_MEANING_LINK = 1.1


def link_as_usual(settings) -> None:
    settings.STORY_CLUSTER_LINK_THRESHOLD = clustering.LINK_THRESHOLD
    settings.STORY_CLUSTER_MEANING_LINK = clustering.MEANING_LINK


def test_the_merge_pass_folds_two_stories_of_one_event(settings):
    """What streaming can miss (a link lost to a worker's race, frequencies that moved), the
    merge pass joins with the same test: here streaming was told to link nothing."""
    link_nothing(settings)
    one = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again"))
    two = cluster(make_article("Sbarro files for Chapter 11 bankruptcy protection", minutes=1))
    link_as_usual(settings)
    assert services.stories_merge_pass(now=T0 + timedelta(hours=1)) == [(two, one)]


def test_the_merge_pass_leaves_different_events_apart(settings):
    link_nothing(settings)
    cluster(make_article("Sbarro files for Chapter 11 bankruptcy again"))
    cluster(make_article("Taylor Swift tops Billboard's list of music money makers", minutes=1))
    link_as_usual(settings)
    assert services.stories_merge_pass(now=T0 + timedelta(hours=1)) == []


def test_an_article_linking_two_stories_folds_them_into_one(settings):
    link_nothing(settings)
    one = cluster(make_article("Sbarro files for bankruptcy protection"))
    two = cluster(
        make_article("Sbarro pizza chain to close restaurants under bankruptcy plan", minutes=1)
    )
    link_as_usual(settings)
    bridge = cluster(
        make_article("Sbarro files for bankruptcy, pizza chain closes restaurants", minutes=2)
    )
    assert bridge == one
    assert Story.objects.get(id=two).merged_into_id == one
    assert Article.objects.filter(story_id=one).count() == 3


def test_a_rating_change_updates_the_figures_of_the_stories_it_covers(
    eager_tasks, django_capture_on_commit_callbacks
):
    source = make_source("unrated")
    story_id = cluster(make_article("Sbarro files for Chapter 11 bankruptcy again", source))
    with django_capture_on_commit_callbacks(execute=True):
        source_upsert_rating(source=source, rater=Rater.EDITOR, bias_label="lean_right")
    assert Story.objects.get(id=story_id).figures["sides"]["right"]["count"] == 1


def test_stored_figures_match_a_recomputation_after_random_changes(
    eager_tasks, django_capture_on_commit_callbacks
):
    """Membership moves, splits, wire links and rating changes in random order never leave
    stale figures once the queued refreshes have run."""
    rng = random.Random(20260217)
    biases = ["far_left", "left", "lean_left", "center", "lean_right", "right", "unrated"]
    sources = [make_source(rng.choice(biases)) for _ in range(8)]
    titles = [
        "Sbarro files for Chapter 11 bankruptcy again",
        "Taylor Swift tops Billboard's list of music money makers",
        "Mt. Gox files for bankruptcy protection in the US",
    ]
    articles = [
        make_article(rng.choice(titles), rng.choice(sources), minutes=i, wire_origin=None)
        for i in range(20)
    ]
    for article in articles:
        cluster(article)
    for _ in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            random_change(rng, sources, articles, biases)
    assert services.stories_figures_drift() == []


def random_change(rng, sources, articles, biases) -> None:
    action = rng.choice(["rating", "move", "split", "wire", "merge"])
    if action == "rating":
        # Through the sources service, so the signal and receiver path is exercised.
        source = Source.objects.get(id=rng.choice(sources).id)
        label = rng.choice([bias for bias in biases if bias != "unrated"])
        source_upsert_rating(source=source, rater=Rater.EDITOR, bias_label=label)
    elif action == "merge":
        live = list(Story.objects.filter(merged_into__isnull=True))
        if len(live) >= 2:
            into, other = rng.sample(live, 2)
            services.stories_merge(into=into, others=[other], by_editor=True)
    elif action == "move":
        article = rng.choice(articles)
        live = list(Story.objects.filter(merged_into__isnull=True))
        services.article_move(article=article, to_story=rng.choice(live))
    elif action == "split":
        services.article_move(article=rng.choice(articles), to_story=None)
    else:
        copy, origin = rng.sample(articles, 2)
        Article.objects.filter(id=copy.id).update(wire_origin=origin)
        copy.refresh_from_db()
        services.story_refresh(story_id=copy.story_id)
