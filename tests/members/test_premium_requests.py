"""The Premium page: what Premium shows, and a message to the editors that reaches the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from members import ratelimit
from members.checks import check_editors_emails
from members.models import PremiumRequest, PremiumRequestStatus
from members.views import PREMIUM_SAMPLE_IMAGE
from tests.members.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

UPGRADE = reverse("upgrade")
MESSAGE = "I teach a media-literacy class and would like to show my students the factuality panels."


def ask(client: Client, **fields: str):
    data = {"name": "Ada Reader", "email": "ada@example.org", "message": MESSAGE, "website": ""}
    return client.post(UPGRADE, {**data, **fields})


def test_the_premium_page_explains_what_premium_shows_and_offers_the_form(client):
    page = client.get(UPGRADE).text

    assert "What Premium shows" in page
    assert "Factuality" in page and "Ownership" in page
    assert 'action="/upgrade/#ask"' in page
    assert "Send to the editors" in page


def test_the_premium_page_shows_the_sample_picture_of_the_factuality_panel(client):
    page = client.get(UPGRADE).text

    assert finders.find(PREMIUM_SAMPLE_IMAGE)
    assert 'src="/static/img/premium-factuality-sample.' in page
    assert 'alt="Sample of the Factuality panel' in page


def test_a_reader_who_has_premium_is_not_offered_the_form(client):
    member = MembershipFactory(valid_until=timezone.now() + timedelta(days=30)).user
    client.force_login(member)

    page = client.get(UPGRADE).text

    assert "You have Premium" in page
    assert "Send to the editors" not in page


def test_a_message_is_stored_for_the_editors_and_the_reader_thanked(client):
    response = ask(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("premium_request_sent")
    row = PremiumRequest.objects.get()
    assert (row.name, row.email, row.message, row.user) == (
        "Ada Reader",
        "ada@example.org",
        MESSAGE,
        None,
    )
    assert row.status == PremiumRequestStatus.NEW
    assert "your message is with the editors" in client.get(response["Location"]).text


def test_a_signed_in_readers_message_carries_their_account(client):
    reader = UserFactory(email="reader@example.org")
    client.force_login(reader)

    ask(client, email="reader@example.org")

    assert PremiumRequest.objects.get().user == reader


def test_the_form_is_filled_with_the_signed_in_readers_address(client):
    reader = UserFactory(email="reader@example.org", first_name="Ada", last_name="Reader")
    client.force_login(reader)

    form = client.get(UPGRADE).context["form"]

    assert form["email"].value() == "reader@example.org"
    assert form["name"].value() == "Ada Reader"


def test_the_message_is_listed_in_the_admin_with_the_senders_account(client):
    reader = UserFactory(username="ada", email="reader@example.org")
    reader_client = Client()
    reader_client.force_login(reader)
    ask(reader_client, email="reader@example.org")
    client.force_login(StaffFactory(is_superuser=True))

    listing = client.get(reverse("admin:members_premiumrequest_changelist")).text

    assert "Ada Reader" in listing
    assert "ada" in listing and "reader@example.org" in listing
    assert "I teach a media-literacy class" in listing
    assert "New" in listing


def test_opening_a_new_request_in_the_admin_marks_it_read(client):
    ask(Client())
    row = PremiumRequest.objects.get()
    client.force_login(StaffFactory(is_superuser=True))

    client.get(reverse("admin:members_premiumrequest_change", args=[row.pk]))

    row.refresh_from_db()
    assert row.status == PremiumRequestStatus.READ


def test_marking_a_request_handled_records_who_and_when(client):
    ask(Client())
    row = PremiumRequest.objects.get()
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)

    client.post(
        reverse("admin:members_premiumrequest_changelist"),
        {"action": "mark_handled", "_selected_action": [row.pk]},
    )

    row.refresh_from_db()
    assert row.status == PremiumRequestStatus.HANDLED
    assert row.handled_by == staff and row.handled_at is not None


def test_markup_in_a_message_is_shown_as_text_in_the_admin(client):
    ask(Client(), name="<b>Bold</b>", message='<script>alert("x")</script><img src=x onerror=y>')
    row = PremiumRequest.objects.get()
    client.force_login(StaffFactory(is_superuser=True))

    listing = client.get(reverse("admin:members_premiumrequest_changelist")).text
    detail = client.get(reverse("admin:members_premiumrequest_change", args=[row.pk])).text

    for html in (listing, detail):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert" in detail


def test_a_message_longer_than_the_limit_is_refused_next_to_the_field(client):
    response = ask(client, message="x" * 2001)

    assert response.status_code == 200
    assert response.context["form"].has_error("message", "max_length")
    assert 'id="id_message_error"' in response.text
    assert not PremiumRequest.objects.exists()


def test_an_empty_message_is_refused(client):
    response = ask(client, message="")

    assert response.context["form"].has_error("message", "required")
    assert not PremiumRequest.objects.exists()


def test_a_message_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)

    response = ask(client)

    assert response.status_code == 403
    assert not PremiumRequest.objects.exists()


def test_a_script_that_fills_the_hidden_field_is_thanked_but_nothing_is_kept(client):
    response = ask(client, website="https://spam.example/")

    assert response["Location"] == reverse("premium_request_sent")
    assert not PremiumRequest.objects.exists()


def test_the_same_address_is_refused_once_it_used_its_daily_budget(client):
    for number in range(ratelimit.PREMIUM_REQUESTS_PER_ADDRESS):
        ask(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"))

    response = ask(client)

    assert response.status_code == 429
    assert "several messages today" in response.text
    assert PremiumRequest.objects.count() == ratelimit.PREMIUM_REQUESTS_PER_ADDRESS


def test_one_client_is_refused_once_it_used_its_daily_budget_whatever_the_address(client):
    for number in range(ratelimit.PREMIUM_REQUESTS_PER_IP):
        ask(client, email=f"reader{number}@example.org")

    response = ask(client, email="another@example.org")

    assert response.status_code == 429
    assert PremiumRequest.objects.count() == ratelimit.PREMIUM_REQUESTS_PER_IP


def test_one_account_is_refused_once_it_used_its_daily_budget_from_anywhere():
    reader = UserFactory()
    for number in range(ratelimit.PREMIUM_REQUESTS_PER_ACCOUNT):
        client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
        client.force_login(reader)
        ask(client, email=f"reader{number}@example.org")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(reader)

    response = ask(client, email="fresh@example.org")

    assert response.status_code == 429


def test_the_editors_are_mailed_when_the_site_has_their_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MEMBERS_EDITORS_EMAILS = ["editors@newsdesk.example"]

    with django_capture_on_commit_callbacks(execute=True):
        ask(client)

    [message] = mail.outbox
    assert message.to == ["editors@newsdesk.example"]
    assert MESSAGE in message.body
    row = PremiumRequest.objects.get()
    assert reverse("admin:members_premiumrequest_change", args=[row.pk]) in message.body


def test_nobody_is_mailed_when_the_site_has_no_editors_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MEMBERS_EDITORS_EMAILS = []

    with django_capture_on_commit_callbacks(execute=True):
        ask(client)

    assert mail.outbox == []
    assert PremiumRequest.objects.count() == 1


def test_a_line_break_in_the_name_never_reaches_the_mail_as_a_header(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MEMBERS_EDITORS_EMAILS = ["editors@newsdesk.example"]

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, name="Ada\r\nBcc: victim@example.org")

    [message] = mail.outbox
    assert message.bcc == [] and "victim@example.org" not in message.recipients()
    assert PremiumRequest.objects.get().name == "Ada Bcc: victim@example.org"


def test_an_editors_address_that_is_not_an_address_fails_the_system_check(settings):
    settings.MEMBERS_EDITORS_EMAILS = ["editors@newsdesk.example", "not an address"]

    errors = check_editors_emails()

    assert [error.id for error in errors] == ["members.E005"]
    assert "not an address" in errors[0].msg


def test_the_sample_pictures_size_in_the_page_is_its_size_in_css_pixels(client):
    """The picture is a screenshot at twice the CSS pixels (test_premium_sample.py)."""
    page = client.get(UPGRADE).text

    with Image.open(finders.find(PREMIUM_SAMPLE_IMAGE)) as picture:
        assert f'width="{picture.width // 2}" height="{picture.height // 2}"' in page


def test_the_premium_page_runs_no_query_for_an_anonymous_reader(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(UPGRADE).status_code == 200


def test_the_premium_page_runs_two_queries_for_a_signed_in_reader(
    client, django_assert_num_queries
):
    client.force_login(UserFactory())

    # The reader's account and membership (then kept in the reader cache); the session is
    # read from the cache.
    with django_assert_num_queries(2):
        assert client.get(UPGRADE).status_code == 200


def test_the_admin_keeps_the_line_breaks_of_a_message(client):
    ask(Client(), message="First line of the request.\nSecond line <b>here</b>.")
    row = PremiumRequest.objects.get()
    client.force_login(StaffFactory(is_superuser=True))

    detail = client.get(reverse("admin:members_premiumrequest_change", args=[row.pk])).text

    assert "First line of the request.<br>Second line &lt;b&gt;here&lt;/b&gt;." in detail
