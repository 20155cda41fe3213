"""The editors' admin: who may open it, what an edit records, the import page, query counts."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.models import Feed, FeedStatus, Rating, Source, SourceChange
from sources.scales import BiasLabel, FactualityLabel, OwnershipCategory, Rater
from sources.services import source_upsert_rating
from tests.factories import FeedFactory, SourceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sources_source_changelist")
IMPORT_PAGE = reverse("admin:sources_source_import_ratings")


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    # The first page since signing in reads the account; later ones take it from the reader
    # cache, so the query counts compared below are counted alike.
    client.get(reverse("admin:index"))
    return client


@pytest.fixture
def source() -> Source:
    source = SourceFactory(
        name="BBC News",
        slug="bbc-news",
        domain="bbc.co.uk",
        bias=BiasLabel.UNRATED,
        factuality=FactualityLabel.UNRATED,
        ownership_category=OwnershipCategory.PUBLIC_BROADCASTER,
        owner_name="BBC",
    )
    source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label="Center")
    return source


def _change_page(source: Source) -> str:
    return reverse("admin:sources_source_change", args=[source.pk])


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _source_post(source: Source, **changes: str) -> dict[str, str]:
    """The change form as the browser would send it, with the one rating as an inline row."""
    rating = source.ratings.get()
    data = {
        "name": source.name,
        "slug": source.slug,
        "homepage": source.homepage,
        "domain": source.domain,
        "country": source.country,
        "language": source.language,
        "ownership_category": source.ownership_category,
        "owner_name": source.owner_name,
        "is_active": "on",
        "notes": "",
        "change_reason": "",
        **_management("aliases"),
        **_management("feeds"),
        **_management("changes"),
        **_management("ratings", total=1, initial=1),
        "ratings-0-id": str(rating.pk),
        "ratings-0-source": str(source.pk),
        "ratings-0-rater": rating.rater,
        "ratings-0-bias_label": rating.bias_label,
        "ratings-0-factuality_label": rating.factuality_label,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST,
        reverse("admin:sources_source_add"),
        IMPORT_PAGE,
        reverse("admin:sources_sourcechange_changelist"),
    ],
)
def test_admin_pages_render_for_an_editor(editor_client, source, url):
    assert editor_client.get(url).status_code == 200


def test_the_source_page_shows_ratings_feeds_and_history_to_an_editor(editor_client, source):
    FeedFactory(source=source, url="https://feeds.bbci.co.uk/news/rss.xml", last_error="HTTP 503")
    response = editor_client.get(_change_page(source))
    body = response.content.decode()
    assert response.status_code == 200
    assert "https://feeds.bbci.co.uk/news/rss.xml" in body
    assert "HTTP 503" in body
    assert "bias Center" in body  # the history row of the AllSides rating


def test_the_reason_field_tells_editors_which_reasons_only_premium_members_see(
    editor_client, source
):
    body = editor_client.get(_change_page(source)).content.decode()

    assert "Every reader sees it on the public source page" in body
    assert "those reasons only Premium members see" in body


def test_the_source_list_links_to_the_import_page_for_an_editor(editor_client, source):
    assert IMPORT_PAGE in editor_client.get(CHANGELIST).content.decode()


def test_a_reader_is_sent_to_the_admin_login(client, source):
    reader = get_user_model().objects.create_user("reader", password="x")
    client.force_login(reader)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_reader_cannot_reach_the_import_page(client):
    client.force_login(get_user_model().objects.create_user("reader", password="x"))
    assert client.get(IMPORT_PAGE).status_code == 302


def test_staff_outside_the_editors_group_is_refused(client, source):
    client.force_login(get_user_model().objects.create_user("s", password="x", is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(IMPORT_PAGE).status_code == 403


def test_an_editor_cannot_open_the_user_or_group_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_the_editors_group_holds_permissions_on_sources_only():
    group = Group.objects.get(name="Editors")
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert apps == {"sources"}
    assert {"change_rating", "view_sourcechange"} <= codenames
    assert "change_sourcechange" not in codenames


def test_an_editor_cannot_delete_a_source(editor_client, source):
    url = reverse("admin:sources_source_delete", args=[source.pk])
    assert editor_client.get(url).status_code == 403


def test_an_editor_edit_of_a_rating_is_recorded_with_the_editor_and_reason(
    editor_client, editor, source
):
    data = _source_post(
        source, **{"ratings-0-bias_label": "Lean Left", "change_reason": "AllSides update"}
    )
    response = editor_client.post(_change_page(source), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    change = SourceChange.objects.filter(field="rating:allsides").first()
    source.refresh_from_db()
    assert (change.old_value, change.new_value) == ("bias Center", "bias Lean Left")
    assert (change.changed_by, change.reason) == (editor, "AllSides update")
    assert source.bias == BiasLabel.LEAN_LEFT


def test_a_rating_value_the_rater_does_not_use_is_refused(editor_client, source):
    data = _source_post(source, **{"ratings-0-bias_label": "Centrist"})
    response = editor_client.post(_change_page(source), data)
    assert response.status_code == 200
    assert "Not a value this rater uses" in response.content.decode()
    assert Rating.objects.get().bias_label == "Center"


def test_an_editor_ownership_change_goes_into_the_history(editor_client, editor, source):
    data = _source_post(
        source,
        ownership_category=OwnershipCategory.GOVERNMENT,
        owner_name="UK Government",
        change_reason="test",
    )
    editor_client.post(_change_page(source), data)
    change = SourceChange.objects.get(field="ownership")
    assert change.new_value == "Government / State (UK Government)"
    assert change.changed_by == editor


def test_unticking_active_on_a_feed_pauses_it(editor_client, source):
    feed = FeedFactory(source=source, status=FeedStatus.OK)
    data = _source_post(
        source,
        **_management("feeds", total=1, initial=1),
        **{"feeds-0-id": str(feed.pk), "feeds-0-source": str(source.pk), "feeds-0-url": feed.url},
    )
    editor_client.post(_change_page(source), data)
    feed = Feed.objects.get(pk=feed.pk)
    assert (feed.is_active, feed.status) == (False, FeedStatus.PAUSED)


def test_export_selected_sources_to_csv(editor_client, source):
    other = SourceFactory(name="Ignored Outlet")
    response = editor_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [str(source.pk)]}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [(r["name"], r["bias"]) for r in rows] == [("BBC News", "center")]
    assert other.name not in response.content.decode()


def test_bulk_deactivate(editor_client, source):
    editor_client.post(CHANGELIST, {"action": "deactivate", "_selected_action": [str(source.pk)]})
    source.refresh_from_db()
    assert not source.is_active


def test_filter_by_rater_coverage_and_disagreement(editor_client, source):
    disputed = SourceFactory(name="Disputed Daily", bias=BiasLabel.UNRATED)
    source_upsert_rating(source=disputed, rater=Rater.ALLSIDES, bias_label="Left")
    source_upsert_rating(source=disputed, rater=Rater.MBFC, bias_label="least biased")
    by_mbfc = editor_client.get(CHANGELIST, {"rated_by_rater": Rater.MBFC})
    disagree = editor_client.get(CHANGELIST, {"raters_disagree__exact": "1"})
    assert list(by_mbfc.context["cl"].result_list) == [disputed]
    assert list(disagree.context["cl"].result_list) == [disputed]


def test_search_finds_a_source_by_alias_domain(editor_client, source):
    source.aliases.create(domain="bbc.com")
    response = editor_client.get(CHANGELIST, {"q": "bbc.com"})
    assert list(response.context["cl"].result_list) == [source]


def test_the_import_page_previews_without_writing(editor_client, source):
    upload = SimpleUploadedFile(
        "mbfc.csv", b"domain,bias_label,factuality_label\nbbc.co.uk,left-center,high\n"
    )
    response = editor_client.post(IMPORT_PAGE, {"file": upload, "rater": Rater.MBFC})
    body = response.content.decode()
    assert "Preview (dry run, nothing written yet)" in body
    assert "generic (mbfc): created 1" in body
    assert not Rating.objects.filter(rater=Rater.MBFC).exists()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("url", "https://mbfc.example/" + "a" * 480, "url is longer than 500 characters"),
        ("confidence", "c" * 65, "confidence is longer than 64 characters"),
    ],
)
def test_the_import_preview_lists_an_overlong_value_with_its_line(
    editor_client, source, column, value, reason
):
    upload = SimpleUploadedFile(
        "mbfc.csv", f"domain,bias_label,{column}\nbbc.co.uk,left-center,{value}\n".encode()
    )

    response = editor_client.post(IMPORT_PAGE, {"file": upload, "rater": Rater.MBFC})

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Rating.objects.filter(rater=Rater.MBFC).exists()


def test_confirming_the_preview_imports_the_file_as_the_editor(editor_client, editor, source):
    upload = SimpleUploadedFile("mbfc.csv", b"domain,bias_label\nbbc.co.uk,left-center\n")
    preview = editor_client.post(IMPORT_PAGE, {"file": upload, "rater": Rater.MBFC})
    editor_client.post(IMPORT_PAGE, {"confirm": "1", "token": preview.context["token"]})
    change = SourceChange.objects.get(field="rating:mbfc")
    assert Rating.objects.get(rater=Rater.MBFC).bias_label == "left-center"
    assert change.changed_by == editor


def test_a_confirmation_without_a_preview_writes_nothing(editor_client, source):
    response = editor_client.post(IMPORT_PAGE, {"confirm": "1", "token": "forged"})
    assert response.status_code == 302
    assert not Rating.objects.filter(rater=Rater.MBFC).exists()


def test_an_unusable_file_is_refused_on_the_import_page(editor_client, source):
    upload = SimpleUploadedFile("x.csv", b"outlet,score\nx,1\n")
    response = editor_client.post(IMPORT_PAGE, {"file": upload, "rater": Rater.MBFC})
    assert "fits no known format" in response.content.decode()


def _rated_sources(count: int) -> None:
    for _ in range(count):
        outlet = SourceFactory(bias=BiasLabel.UNRATED)
        source_upsert_rating(source=outlet, rater=Rater.ALLSIDES, bias_label="Right")
        source_upsert_rating(source=outlet, rater=Rater.MBFC, factuality_label="high")


def test_the_changelist_query_count_does_not_grow_with_rows(
    editor_client, django_assert_num_queries
):
    _rated_sources(3)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(CHANGELIST)
    _rated_sources(27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = editor_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 30


def test_the_source_page_query_count_does_not_grow_with_its_history(editor_client, source):
    url = _change_page(source)
    with CaptureQueriesContext(connection) as short_history:
        editor_client.get(url)
    for label in ("Left", "Right", "Lean Left", "Lean Right", "Center"):
        source_upsert_rating(source=source, rater=Rater.ALLSIDES, bias_label=label)
        source_upsert_rating(source=source, rater=Rater.MBFC, bias_label=label.lower())
    FeedFactory.create_batch(3, source=source)
    with CaptureQueriesContext(connection) as long_history:
        editor_client.get(url)
    assert len(long_history.captured_queries) == len(short_history.captured_queries)


def test_adding_a_source_with_a_rating_records_both_in_the_history(editor_client, editor):
    data = {
        "name": "The Tribune",
        "slug": "the-tribune",
        "homepage": "https://tribune.example/",
        "domain": "tribune.example",
        "country": "US",
        "language": "en",
        "ownership_category": OwnershipCategory.INDEPENDENT,
        "owner_name": "",
        "is_active": "on",
        "notes": "",
        "change_reason": "new outlet",
        **_management("aliases"),
        **_management("feeds"),
        **_management("changes"),
        **_management("ratings", total=1),
        "ratings-0-rater": Rater.EDITOR,
        "ratings-0-bias_label": BiasLabel.LEAN_RIGHT,
    }
    response = editor_client.post(reverse("admin:sources_source_add"), data)
    source = Source.objects.get(slug="the-tribune")
    assert response.status_code == 302
    assert source.bias == BiasLabel.LEAN_RIGHT
    assert set(source.changes.values_list("field", "changed_by")) == {
        ("ownership", editor.pk),
        ("rating:editor", editor.pk),
        ("combined", editor.pk),
    }


def test_changing_the_rater_of_a_rating_row_moves_the_rating_with_history(editor_client, source):
    data = _source_post(
        source, **{"ratings-0-rater": Rater.MBFC, "ratings-0-bias_label": "least biased"}
    )
    editor_client.post(_change_page(source), data)
    assert list(Rating.objects.values_list("rater", "bias_label")) == [(Rater.MBFC, "least biased")]
    assert SourceChange.objects.filter(field="rating:allsides", new_value="").exists()
    assert SourceChange.objects.filter(field="rating:mbfc", old_value="").exists()


def test_the_feed_list_shows_health_in_constant_queries(editor_client, source):
    url = reverse("admin:sources_feed_changelist")
    FeedFactory(source=source, last_error="HTTP 404")
    with CaptureQueriesContext(connection) as few:
        response = editor_client.get(url)
    FeedFactory.create_batch(20, source=SourceFactory())
    with CaptureQueriesContext(connection) as many:
        editor_client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pausing_feeds_from_the_feed_list(editor_client, source):
    feed = FeedFactory(source=source, status=FeedStatus.FAILING)
    editor_client.post(
        reverse("admin:sources_feed_changelist"),
        {"action": "pause", "_selected_action": [str(feed.pk)]},
    )
    feed.refresh_from_db()
    assert (feed.is_active, feed.status) == (False, FeedStatus.PAUSED)


def test_deleting_a_rating_row_in_the_admin_unrates_the_source_with_history(
    editor_client, editor, source
):
    editor_client.post(_change_page(source), _source_post(source, **{"ratings-0-DELETE": "on"}))
    source.refresh_from_db()
    assert not Rating.objects.exists()
    assert source.bias == BiasLabel.UNRATED
    assert SourceChange.objects.get(field="rating:allsides", new_value="").changed_by == editor
