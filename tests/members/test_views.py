import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import ReadEvent
from tests.factories import story_with_articles
from tests.members.factories import (
    PASSWORD,
    ArticleFactory,
    MembershipFactory,
    ReadEventFactory,
    SourceFactory,
    StaffFactory,
    StoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def premium_user():
    return MembershipFactory(valid_until=timezone.now() + timedelta(days=30)).user


# --- accounts ---------------------------------------------------------------------------


def test_signing_up_creates_the_account_and_signs_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newreader",
            "email": "new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("profile")).context["user"].username == "newreader"


def sign_up(client, email: str, username: str = "newreader"):
    return client.post(
        reverse("signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signing_up_with_a_used_email_answers_as_for_a_new_one(client):
    """A security review found: sign-up said "An account with this email address already
    exists", telling anyone which addresses have accounts."""
    UserFactory(email="taken@example.org")

    used = sign_up(client, "TAKEN@example.org", username="readerone")
    used_page = page_text(client, used, "TAKEN@example.org", "readerone")
    client.logout()
    new = sign_up(client, "fresh@example.org", username="readertwo")
    new_page = page_text(client, new, "fresh@example.org", "readertwo")

    assert used.status_code == new.status_code == 302
    assert "already exists" not in used_page
    assert used_page == new_page


def page_text(client, redirect, *names: str) -> str:
    """The page ``redirect`` leads to, without the given names and the per-render CSRF token."""
    text = client.get(redirect["Location"]).text
    for name in names:
        text = text.replace(name, "NAME")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_signing_up_with_a_used_email_mails_its_owner_instead(client):
    UserFactory(email="taken@example.org")

    sign_up(client, "Taken@Example.org")

    assert [message.to for message in mail.outbox] == [["Taken@example.org"]]
    assert "already has an account" in mail.outbox[0].body
    assert reverse("password_reset") in mail.outbox[0].body
    assert get_user_model().objects.get(username="newreader").email == ""


def test_signing_in_goes_to_the_profile(client):
    user = UserFactory()

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response["Location"] == reverse("profile")


def test_signing_out_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())

    client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session


def test_the_profile_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("profile"))

    assert response["Location"].startswith(reverse("login"))


def test_the_profile_shows_when_premium_ends(client):
    user = premium_user()
    client.force_login(user)

    response = client.get(reverse("profile"))

    assert user.membership.valid_until.strftime("%-d %b %Y, %H:%M") in response.text


def test_the_profile_offers_free_readers_the_upgrade(client):
    client.force_login(UserFactory())

    response = client.get(reverse("profile"))

    assert reverse("upgrade") in response.text


def test_the_profile_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.force_login(premium_user())

    # user with membership terms (kept in the reader cache; the session is cached), membership
    # (page), API tokens
    with django_assert_num_queries(4):
        client.get(reverse("profile"))


def test_changing_the_password_keeps_the_reader_signed_in(client):
    user = UserFactory()
    client.force_login(user)

    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 9",
            "new_password2": "another long passphrase 9",
        },
    )

    user.refresh_from_db()
    assert user.check_password("another long passphrase 9")
    assert client.session["_auth_user_id"] == str(user.pk)


def reset_password(client, user) -> str:
    """Ask for a reset link, open it and set a new password; returns the final page."""
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh long passphrase 3", "new_password2": "fresh long passphrase 3"},
        follow=True,
    )
    return done.text


def test_a_password_reset_mails_a_working_link(client):
    user = UserFactory()

    reset_password(client, user)

    user.refresh_from_db()
    assert user.check_password("fresh long passphrase 3")


def api_answer(token: str) -> int:
    return Client().get(reverse("api_story_list"), HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_password_reset_revokes_the_readers_api_tokens_and_says_so(client):
    """A security review found: API tokens kept working after a password reset."""
    user = UserFactory()
    _, token = services.api_token_create(user=user, name="dashboard")

    page = reset_password(client, user)

    assert api_answer(token) == 401
    assert "Your API tokens were revoked" in page


def test_the_password_change_form_offers_to_sign_out_everywhere(client):
    client.force_login(UserFactory())

    assert "Sign out everywhere" in client.get(reverse("password_change")).text


def change_password(client, **extra: str):
    return client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 9",
            "new_password2": "another long passphrase 9",
            **extra,
        },
        follow=True,
    )


def test_changing_the_password_and_signing_out_everywhere_revokes_api_tokens(client):
    """A security review found: API tokens kept working after a password change."""
    user = UserFactory()
    _, token = services.api_token_create(user=user, name="dashboard")
    client.force_login(user)

    page = change_password(client, sign_out_everywhere="on")

    assert api_answer(token) == 401
    assert "1 API token was revoked" in page.text
    assert client.session["_auth_user_id"] == str(user.pk)


def test_changing_the_password_alone_keeps_api_tokens(client):
    user = UserFactory()
    _, token = services.api_token_create(user=user, name="dashboard")
    client.force_login(user)

    change_password(client)

    assert api_answer(token) == 200


def test_the_upgrade_page_says_how_premium_is_obtained(client):
    response = client.get(reverse("upgrade"))

    assert "How to get Premium" in response.text


# --- outbound link and reading history --------------------------------------------------


def test_opening_an_article_redirects_to_its_original_url(client):
    article = ArticleFactory(url="https://outlet.example/news/1")

    response = client.get(reverse("outbound", args=[article.id]))

    assert (response.status_code, response["Location"]) == (302, "https://outlet.example/news/1")


def test_opening_an_article_signed_in_records_the_read(client):
    user, article = UserFactory(), ArticleFactory()
    client.force_login(user)

    client.get(reverse("outbound", args=[article.id]))

    assert list(ReadEvent.objects.values_list("user", "article")) == [(user.id, article.id)]


def test_opening_an_article_anonymously_records_nothing(client):
    client.get(reverse("outbound", args=[ArticleFactory().id]))

    assert ReadEvent.objects.count() == 0


@pytest.mark.parametrize(
    "hostile", ["javascript:alert(1)", "//evil.example/", "/admin/", "data:text/html,hi"]
)
def test_an_article_with_an_unsafe_url_is_never_redirected_to(client, hostile):
    article = ArticleFactory(url=hostile, canonical_url=f"{hostile}#{ArticleFactory().id}")
    client.force_login(UserFactory())

    response = client.get(reverse("outbound", args=[article.id]))

    assert response.status_code == 404
    assert ReadEvent.objects.count() == 0


def test_an_unsafe_feed_link_falls_back_to_the_canonical_url(client):
    article = ArticleFactory(url="javascript:alert(1)", canonical_url="https://outlet.example/c")

    response = client.get(reverse("outbound", args=[article.id]))

    assert response["Location"] == "https://outlet.example/c"


def test_an_unknown_article_is_not_found(client):
    assert client.get(reverse("outbound", args=[999999])).status_code == 404


def test_the_outbound_redirect_is_never_cached(client):
    response = client.get(reverse("outbound", args=[ArticleFactory().id]))

    assert "no-store" in response["Cache-Control"]


def test_the_history_lists_the_readers_own_reads_only(client):
    mine = ReadEventFactory(article__title="My pick")
    ReadEventFactory(article__title="Their pick")
    client.force_login(mine.user)

    response = client.get(reverse("reading_history"))

    assert "My pick" in response.text and "Their pick" not in response.text


def test_the_history_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = UserFactory()
    ReadEventFactory.create_batch(12, user=user)
    client.force_login(user)

    # session, user, read events with their articles and sources
    with django_assert_num_queries(3):
        client.get(reverse("reading_history"))


def test_a_reader_deletes_one_entry_of_their_history(client):
    event = ReadEventFactory()
    kept = ReadEventFactory(user=event.user)
    client.force_login(event.user)

    client.post(reverse("reading_history_delete", args=[event.id]))

    assert list(ReadEvent.objects.values_list("id", flat=True)) == [kept.id]


def test_a_reader_cannot_delete_another_readers_entry(client):
    event = ReadEventFactory()
    client.force_login(UserFactory())

    client.post(reverse("reading_history_delete", args=[event.id]))

    assert ReadEvent.objects.filter(id=event.id).exists()


def test_a_reader_deletes_all_of_their_history(client):
    event = ReadEventFactory()
    ReadEventFactory(user=event.user)
    client.force_login(event.user)

    client.post(reverse("reading_history_delete_all"))

    assert not ReadEvent.objects.filter(user=event.user).exists()


def test_history_cannot_be_deleted_with_a_get(client):
    event = ReadEventFactory()
    client.force_login(event.user)

    response = client.get(reverse("reading_history_delete_all"))

    assert response.status_code == 405
    assert ReadEvent.objects.count() == 1


# --- My News Bias -----------------------------------------------------------------------


def read_now(user, *, bias: str, factuality: str = "high", story=None):
    source = SourceFactory(bias=bias, factuality=factuality)
    article = ArticleFactory(source=source, story=story)
    return ReadEventFactory(user=user, article=article, read_at=timezone.now())


def test_my_news_bias_shows_free_readers_the_upgrade_prompt(client):
    client.force_login(UserFactory())

    response = client.get(reverse("my_news_bias"))

    assert "Upgrade to Premium" in response.text
    assert "reading-chart-data" not in response.text


def test_my_news_bias_gives_free_readers_none_of_their_figures(client):
    user = UserFactory()
    read_now(user, bias="far_left", factuality="very_low")
    client.force_login(user)

    response = client.get(reverse("my_news_bias"))

    assert "Far Left" not in response.text and "Very Low" not in response.text


def test_my_news_bias_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("my_news_bias"))

    assert response["Location"].startswith(reverse("login"))


def test_my_news_bias_shows_a_premium_reader_their_bias_mix(client):
    user = premium_user()
    read_now(user, bias="left")
    read_now(user, bias="left")
    read_now(user, bias="right")
    client.force_login(user)

    response = client.get(reverse("my_news_bias"))

    assert response.context["chart_data"]["side_counts"] == [2, 0, 1]
    # Each row's name is said once: the sides are named apart from the points Left and Right.
    rows = re.findall(
        r'<tr class="(?:side|point)-row[^"]*"><th scope="row">([^<]+)</th>', response.text
    )
    assert rows[:3] == ["Leaning left", "Center", "Leaning right"]
    assert len(rows) == len(set(rows)) == 9


def test_my_news_bias_lists_the_blindspot_stories_read(client):
    user = premium_user()
    story = StoryFactory(headline="Bridge closure", blindspot="right")
    read_now(user, bias="left", story=story)
    client.force_login(user)

    response = client.get(reverse("my_news_bias"))

    assert "Bridge closure" in response.text


def test_my_news_bias_leaves_out_reads_older_than_the_window(client):
    user = premium_user()
    old = read_now(user, bias="left")
    old.read_at = timezone.now() - timedelta(days=8)
    old.save()
    client.force_login(user)

    response = client.get(reverse("my_news_bias"), {"days": "7"})

    assert response.context["summary"].article_count == 0


def test_my_news_bias_chart_data_goes_through_json_script(client):
    user = premium_user()
    read_now(user, bias="left")
    client.force_login(user)

    response = client.get(reverse("my_news_bias"))

    assert '<script id="reading-chart-data" type="application/json">' in response.text


def test_my_news_bias_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = premium_user()
    for bias in ("left", "center", "right", "lean_left", "far_right"):
        read_now(user, bias=bias, story=StoryFactory(blindspot="left"))
    client.force_login(user)

    # user, membership terms (both then kept in the reader cache; the session is cached), reads
    # with their articles, sources and stories
    with django_assert_num_queries(3):
        client.get(reverse("my_news_bias"))


def test_the_admin_password_change_keeps_the_admin_look(client):
    client.force_login(StaffFactory())

    response = client.get(reverse("admin:password_change"))

    assert "admin/base_site.html" in [t.name for t in response.templates]


def test_the_readers_password_change_uses_the_site_look(client):
    client.force_login(UserFactory())

    response = client.get(reverse("password_change"))

    assert "base.html" in [t.name for t in response.templates]


def test_signing_in_from_a_story_returns_the_reader_to_it(client):
    user = UserFactory()
    story_url = story_with_articles(2).get_absolute_url()

    page = client.get(story_url).content.decode()
    sign_in = re.search(r'href="(/accounts/login/\?next=[^"]+)">Sign in<', page)
    response = client.post(
        sign_in.group(1).replace("&amp;", "&"),
        {"username": user.username, "password": PASSWORD, "next": story_url},
    )

    assert response.status_code == 302
    assert response["Location"] == story_url


def test_signing_in_never_sends_the_reader_to_another_site(client):
    user = UserFactory()

    response = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
