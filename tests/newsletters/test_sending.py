"""Issues reach members through a real SMTP server on loopback, at their local time, once."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from newsletters import services, tasks
from newsletters.models import (
    Bounce,
    BounceKind,
    Delivery,
    DeliveryStatus,
    Issue,
    SubscriptionStatus,
)
from tests.factories import MembershipFactory, UserFactory, story_with_articles
from tests.newsletters.conftest import (
    SITE,
    daily,
    links,
    parts,
    subscribe,
    unsubscribe_header_url,
)

pytestmark = pytest.mark.django_db

# 07:00 in Paris on a winter Friday.
SEND_AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def run_planner(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        tasks.newsletters_enqueue_due()


def news_on(day: datetime) -> None:
    """A story updated an hour before ``day``: that day's issue has something to say."""
    with time_machine.travel(day - timedelta(hours=1), tick=False):
        story_with_articles(3)


@pytest.fixture
def world(smtp, eager_tasks):
    """Two stories of the day and a member of Paris who wants the briefing at 07:00."""
    with time_machine.travel(SEND_AT - timedelta(hours=3), tick=False):
        story_with_articles(6, headline="Harbour bridge reopens after repairs")
        story_with_articles(3, headline="Library extends its opening hours")
        member = UserFactory(email="ines@example.org")
        subscription = subscribe(member, time_zone="Europe/Paris")
    return member, subscription


def test_nothing_is_sent_before_the_members_local_time(world, smtp):
    run_planner(SEND_AT - timedelta(minutes=1))
    assert smtp.messages == []


def test_the_issue_arrives_at_the_members_local_time(world, smtp):
    run_planner(SEND_AT + timedelta(minutes=1))
    [message] = smtp.messages
    assert message["To"] == "ines@example.org"
    assert message["Subject"].startswith("Daily briefing, Friday 4 December 2026: ")


def test_the_mail_has_a_text_part_and_an_html_part_with_the_stories(world, smtp):
    run_planner(SEND_AT)
    text, html = parts(smtp.messages[0])
    for body in (text, html):
        assert "Harbour bridge reopens after repairs" in body
        assert "original report" in body
    assert "6 sources: " in text
    assert "Left " in text and "Center " in text


def test_the_html_part_carries_its_css_in_style_attributes(world, smtp):
    run_planner(SEND_AT)
    _, html = parts(smtp.messages[0])
    assert "<style" not in html
    # The bias bar is coloured table cells, not an image.
    assert "<img" not in html
    assert 'class="bar-cell bar-left"' in html
    assert "background: #2166ac" in html or "background:#2166ac" in html


def test_the_mail_offers_one_click_unsubscribe_as_rfc_8058_asks(world, smtp):
    run_planner(SEND_AT)
    message = smtp.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = unsubscribe_header_url(message)
    assert url.startswith(f"{SITE}/newsletters/unsubscribe/")
    assert message["List-Id"].startswith("Daily briefing <daily.newsletters.")


def test_the_links_in_the_mail_open_pages_of_the_site(world, smtp, client):
    run_planner(SEND_AT)
    text, html = parts(smtp.messages[0])
    found = {link for link in links(text) + links(html) if link.startswith(SITE)}
    assert len(found) >= 5  # two stories, the issue on the web, preferences, unsubscribe
    client.force_login(world[0])
    for link in found:
        response = client.get(urlsplit(link).path)
        assert response.status_code == 200, link


def test_a_one_click_unsubscribe_post_stops_the_next_issue(world, smtp, client):
    run_planner(SEND_AT)
    url = unsubscribe_header_url(smtp.messages[0])

    # What a mail client sends (RFC 8058): no cookie, no CSRF token.
    response = client.post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    news_on(SEND_AT + timedelta(days=1))
    run_planner(SEND_AT + timedelta(days=1))
    assert len(smtp.messages) == 1


def test_opening_the_unsubscribe_link_alone_does_not_unsubscribe(world, smtp, client):
    run_planner(SEND_AT)
    url = unsubscribe_header_url(smtp.messages[0])
    client.get(urlsplit(url).path)
    world[1].refresh_from_db()
    assert world[1].status == SubscriptionStatus.ACTIVE


def test_a_forged_unsubscribe_token_is_refused(world, smtp, client):
    response = client.post(f"/newsletters/unsubscribe/{world[1].pk}:forged/")
    assert response.status_code == 400
    world[1].refresh_from_db()
    assert world[1].status == SubscriptionStatus.ACTIVE


def test_a_second_planner_run_sends_no_second_copy(world, smtp):
    run_planner(SEND_AT)
    run_planner(SEND_AT + timedelta(minutes=2))
    run_planner(SEND_AT + timedelta(hours=2))
    assert len(smtp.messages) == 1


def test_the_next_day_brings_the_next_edition(world, smtp):
    run_planner(SEND_AT)
    news_on(SEND_AT + timedelta(days=1))
    run_planner(SEND_AT + timedelta(days=1))
    assert len(smtp.messages) == 2
    assert Issue.objects.count() == 2


def test_a_day_without_stories_mails_nothing(smtp, eager_tasks):
    with time_machine.travel(SEND_AT - timedelta(hours=1), tick=False):
        subscribe(UserFactory(email="quiet@example.org"), time_zone="Europe/Paris")
    run_planner(SEND_AT)
    assert smtp.messages == []
    assert Issue.objects.count() == 1  # the page of the day still says so


def test_factuality_is_in_the_mail_of_a_premium_member_only(smtp, eager_tasks):
    with time_machine.travel(SEND_AT - timedelta(hours=1), tick=False):
        story_with_articles(4, headline="Dam inspection finds cracks")
        free = UserFactory(email="free@example.org")
        premium = UserFactory(email="premium@example.org")
        MembershipFactory(user=premium, valid_from=SEND_AT - timedelta(days=1))
        subscribe(free)
        subscribe(premium)
    run_planner(SEND_AT + timedelta(hours=1))
    free_text, free_html = parts(smtp.to("free@example.org")[0])
    premium_text, premium_html = parts(smtp.to("premium@example.org")[0])
    assert "factuality" in premium_text and "of the rated sources have" in premium_html
    assert "of the rated sources have" not in free_text + free_html
    assert "Upgrade to Premium" in free_html


def test_a_paused_newsletter_sends_nothing_until_resumed(world, smtp):
    newsletter = daily()
    services.newsletter_set_paused(newsletter=newsletter, paused=True, actor=None, now=SEND_AT)
    run_planner(SEND_AT)
    assert smtp.messages == []
    services.newsletter_set_paused(newsletter=newsletter, paused=False, actor=None, now=SEND_AT)
    run_planner(SEND_AT + timedelta(minutes=30))
    assert len(smtp.messages) == 1


def test_an_address_the_server_refuses_is_recorded_and_gets_no_more_mail(world, smtp):
    smtp.refuse["ines@example.org"] = "550 5.1.1 <ines@example.org>: user unknown"
    run_planner(SEND_AT)

    bounce = Bounce.objects.get()
    assert (bounce.address, bounce.kind, bounce.smtp_code) == (
        "ines@example.org",
        BounceKind.HARD,
        550,
    )
    assert Delivery.objects.get().status == DeliveryStatus.BOUNCED
    world[1].refresh_from_db()
    assert world[1].status == SubscriptionStatus.SUSPENDED


def test_a_message_refused_as_spam_after_its_data_is_a_complaint_that_stops_mail(world, smtp):
    smtp.refuse_data["ines@example.org"] = "550 5.7.1 Message refused: reported as spam"
    run_planner(SEND_AT)

    assert Bounce.objects.get().kind == BounceKind.COMPLAINT
    world[1].refresh_from_db()
    assert world[1].status == SubscriptionStatus.SUSPENDED


def test_a_mailbox_full_reply_is_a_soft_bounce_and_the_subscription_stays(world, smtp):
    smtp.refuse["ines@example.org"] = "452 4.2.2 mailbox full"
    run_planner(SEND_AT)
    assert Bounce.objects.get().kind == BounceKind.SOFT
    world[1].refresh_from_db()
    assert world[1].status == SubscriptionStatus.ACTIVE


def test_a_member_whose_address_changed_since_confirming_gets_nothing(world, smtp):
    member, _ = world
    member.email = "new-unconfirmed@example.org"
    member.save()
    run_planner(SEND_AT)
    assert smtp.messages == []


def test_claims_a_dead_worker_left_go_back_to_the_queue_and_are_sent(world, smtp):
    with time_machine.travel(SEND_AT, tick=False):
        services.newsletters_enqueue_due(now=SEND_AT)  # deliveries made, no batch run
        Delivery.objects.update(status=DeliveryStatus.CLAIMED, claimed_at=SEND_AT)
    run_planner(SEND_AT + services.STALE_CLAIM + timedelta(minutes=1))
    assert len(smtp.messages) == 1


def test_a_message_a_dead_worker_was_sending_is_never_sent_again(world, smtp):
    with time_machine.travel(SEND_AT, tick=False):
        services.newsletters_enqueue_due(now=SEND_AT)
        Delivery.objects.update(status=DeliveryStatus.SENDING, claimed_at=SEND_AT)
    run_planner(SEND_AT + services.STALE_CLAIM + timedelta(minutes=1))
    assert smtp.messages == []
    assert Delivery.objects.get().status == DeliveryStatus.UNCERTAIN


@pytest.mark.django_db(transaction=True)
def test_two_senders_of_one_issue_at_once_send_each_member_one_copy(smtp):
    with time_machine.travel(SEND_AT - timedelta(hours=1), tick=False):
        story_with_articles(3)
        for n in range(40):
            subscribe(UserFactory(email=f"member{n}@example.org"), send_time=time(6, 0))
    services.newsletters_enqueue_due(now=SEND_AT)
    issue_id = Issue.objects.get().pk
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait()
            while services.delivery_send_batch(issue_id=issue_id, batch_size=5).sent:
                pass
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = sorted(str(message["To"]) for message in smtp.messages)
    assert recipients == sorted(f"member{n}@example.org" for n in range(40))
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 40


@pytest.mark.django_db(transaction=True)
def test_two_planners_at_once_make_one_delivery_per_member(smtp):
    with time_machine.travel(SEND_AT - timedelta(hours=1), tick=False):
        story_with_articles(3)
        for n in range(20):
            subscribe(UserFactory(email=f"member{n}@example.org"), send_time=time(6, 0))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def planner() -> None:
        try:
            start.wait()
            services.newsletters_enqueue_due(now=SEND_AT)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Issue.objects.count() == 1
    assert Delivery.objects.count() == 20


def test_the_command_sends_what_is_due_now(world, smtp):
    with time_machine.travel(SEND_AT + timedelta(minutes=3), tick=False):
        call_command("newsletters_send_due", stdout=io.StringIO())
    assert [str(message["To"]) for message in smtp.messages] == ["ines@example.org"]


def test_a_batch_leaves_its_database_connection_waiting_for_the_disk_again(world, smtp):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    run_planner(SEND_AT)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
