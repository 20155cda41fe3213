"""Newsletter pages: choosing newsletters (double opt-in), the issues on the web and as a feed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from newsletters import services
from newsletters.models import Subscription, SubscriptionStatus
from tests.factories import UserFactory, sign_in_premium_member, story_with_articles
from tests.newsletters.conftest import blindspot_report, daily, links

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def choose_daily(client, *, subscribed=True, at="07:30", zone="Europe/Paris"):
    data = {
        "daily-send_time": at,
        "daily-time_zone": zone,
        "blindspot-send_time": "08:00",
        "blindspot-time_zone": "UTC",
    }
    if subscribed:
        data["daily-subscribed"] = "on"
    return client.post(reverse("newsletter_preferences"), data, follow=True)


@pytest.fixture
def member(client, smtp):
    daily(), blindspot_report()
    user = UserFactory(email="ines@example.org")
    client.force_login(user)
    return user


def confirmation_path(smtp) -> str:
    [link] = [link for link in links(smtp.messages[-1].get_content()) if "/confirm/" in link]
    return urlsplit(link).path


def test_choosing_a_newsletter_mails_a_confirmation_and_subscribes_no_one_yet(client, member, smtp):
    page = choose_daily(client)

    assert "We sent a link to ines@example.org" in page.text
    subscription = Subscription.objects.get(user=member)
    assert subscription.status == SubscriptionStatus.PENDING
    assert (subscription.send_time, subscription.time_zone) == (time(7, 30), "Europe/Paris")
    [message] = smtp.messages
    assert message["To"] == "ines@example.org"
    assert "daily briefing" in message["Subject"]


def test_the_mailed_link_confirms_the_subscription(client, member, smtp):
    choose_daily(client)
    path = confirmation_path(smtp)

    page = client.post(path)

    assert "Subscription confirmed" in page.text
    subscription = Subscription.objects.get(user=member)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.address == "ines@example.org"


def test_opening_the_confirmation_link_alone_confirms_nothing(client, member, smtp):
    choose_daily(client)
    client.get(confirmation_path(smtp))
    assert Subscription.objects.get(user=member).status == SubscriptionStatus.PENDING


def test_a_confirmation_link_stops_working_when_the_address_changes(client, member, smtp):
    choose_daily(client)
    path = confirmation_path(smtp)
    member.email = "someone-else@example.org"
    member.save()

    response = client.post(path)

    assert response.status_code == 400
    assert Subscription.objects.get(user=member).status == SubscriptionStatus.PENDING


def test_changing_the_time_of_an_active_subscription_mails_nothing(client, member, smtp):
    choose_daily(client)
    client.post(confirmation_path(smtp))

    choose_daily(client, at="06:15", zone="America/New_York")

    subscription = Subscription.objects.get(user=member)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert (subscription.send_time, subscription.time_zone) == (time(6, 15), "America/New_York")
    assert len(smtp.messages) == 1


def test_unticking_a_newsletter_unsubscribes(client, member, smtp):
    choose_daily(client)
    client.post(confirmation_path(smtp))
    choose_daily(client, subscribed=False)
    assert Subscription.objects.get(user=member).status == SubscriptionStatus.UNSUBSCRIBED


def test_an_unknown_time_zone_is_refused(client, member, smtp):
    page = choose_daily(client, zone="Mars/Olympus_Mons")
    assert "Select a valid choice" in page.text
    assert not Subscription.objects.exists()


def test_a_member_without_an_address_is_sent_to_the_profile_first(client, smtp):
    daily()
    client.force_login(UserFactory(email=""))
    page = client.get(reverse("newsletter_preferences"))
    assert "Add one on your account page" in page.text


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get(reverse("newsletter_preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def built_briefing():
    with time_machine.travel(NOW, tick=False):
        story_with_articles(5, headline="Harbour bridge reopens after repairs")
        return services.issue_get_or_build(newsletter=daily(), edition_date=NOW.date(), now=NOW)


def test_the_briefing_of_a_date_is_a_page_of_the_site(client, django_assert_num_queries):
    issue = built_briefing()
    with django_assert_num_queries(1):
        page = client.get(f"/briefings/{issue.edition_date:%Y-%m-%d}/")
    assert page.status_code == 200
    assert "Harbour bridge reopens after repairs" in page.text
    assert "original report" in page.text


def test_the_briefing_page_shows_factuality_to_premium_members_only(client):
    issue = built_briefing()
    url = issue.get_absolute_url()
    assert "of the rated sources have" not in client.get(url).text
    sign_in_premium_member(client)
    assert "of the rated sources have" in client.get(url).text


def test_a_date_without_an_issue_is_not_found(client):
    assert client.get("/briefings/2026-12-05/").status_code == 404
    assert client.get("/briefings/2026-02-31/").status_code == 404


def test_the_blindspot_report_has_a_page_too(client):
    with time_machine.travel(NOW, tick=False):
        issue = services.issue_get_or_build(
            newsletter=blindspot_report(), edition_date=NOW.date(), now=NOW
        )
    page = client.get(issue.get_absolute_url())
    assert page.status_code == 200
    assert "Missed by the left" in page.text


def test_the_issues_are_in_an_rss_and_an_atom_feed(client):
    issue = built_briefing()
    rss = client.get(reverse("feed_briefings_rss"))
    atom = client.get(reverse("feed_briefings_atom"))
    for feed in (rss, atom):
        assert feed.status_code == 200
        assert issue.subject in feed.text
        assert f"/briefings/{issue.edition_date:%Y-%m-%d}/" in feed.text
        assert "private" in feed["Cache-Control"]


def test_the_list_of_briefings_links_each_issue(client, django_assert_num_queries):
    issue = built_briefing()
    with django_assert_num_queries(2):
        page = client.get(reverse("briefing_list"))
    assert issue.get_absolute_url() in page.text


def test_an_issue_keeps_what_it_said_when_stories_change_later(client):
    issue = built_briefing()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        story_with_articles(30, headline="A later, much wider story")
    assert "A later, much wider story" not in client.get(issue.get_absolute_url()).text
