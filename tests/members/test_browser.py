"""A free reader upgraded by an editor in the admin, seen in Debian's Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import MembershipEvent
from tests.members.factories import PASSWORD, StaffFactory, UserFactory
from tests.members.gating import (
    FACTUALITY_COUNTS,
    gated_world,
)
from tests.pages.test_browser import describe, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# True when the canvas has at least one painted pixel.
CANVAS_PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || canvas.hidden || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
  return false;
}"""


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(base_url + reverse("profile"))


def grant_in_admin(browser, base_url: str, reader) -> None:
    """An editor, in a browser context of their own, grants the reader 30 days of premium."""
    staff = StaffFactory()
    context = browser.new_context()
    admin = context.new_page()
    admin.goto(base_url + reverse("admin:login"))
    admin.fill("#id_username", staff.username)
    admin.fill("#id_password", PASSWORD)
    admin.click("input[type=submit]")
    admin.wait_for_url(base_url + reverse("admin:index"))
    admin.goto(base_url + reverse("admin:members_membership_add"))
    until = timezone.now() + timedelta(days=30)
    admin.fill("#id_user", str(reader.pk))
    admin.select_option("#id_tier", "premium")
    admin.fill("#id_valid_until_0", until.strftime("%Y-%m-%d"))
    admin.fill("#id_valid_until_1", until.strftime("%H:%M:%S"))
    admin.fill("#id_reason", "Press pass for the spring conference")
    admin.click("input[name=_save]")
    admin.wait_for_url(base_url + reverse("admin:members_membership_changelist"))
    context.close()


def test_a_free_reader_granted_premium_in_the_admin_sees_their_factuality_chart(
    live_server, page, browser, artifacts_dir
):
    world = gated_world()
    reader = UserFactory()
    base = live_server.url
    sign_in(page, base, reader.username)
    # Opening an article through the outbound link records the read (not followed offsite).
    page.request.get(base + reverse("outbound", args=[world.article.pk]), max_redirects=0)

    page.goto(base + reverse("my_news_bias"))
    assert page.locator(".upgrade", has_text="Upgrade to Premium").is_visible()
    assert page.locator("#reading-factuality-chart").count() == 0
    page.screenshot(path=str(artifacts_dir / "members-bias-free.png"), full_page=True)

    grant_in_admin(browser, base, reader)
    page.goto(base + reverse("my_news_bias"))

    page.wait_for_function(CANVAS_PAINTED, arg="reading-factuality-chart")
    assert page.locator(".upgrade").count() == 0
    page.screenshot(path=str(artifacts_dir / "members-bias-premium.png"), full_page=True)
    event = MembershipEvent.objects.get(user=reader)
    assert (event.actor.is_staff, event.reason) == (True, "Press pass for the spring conference")


def test_a_free_reader_granted_premium_in_the_admin_sees_the_story_factuality_chart(
    live_server, page, browser, artifacts_dir
):
    world = gated_world()
    reader = UserFactory()
    base = live_server.url
    story_url = base + world.story.get_absolute_url()
    factuality = page.locator("section[aria-labelledby=factuality-heading]")
    sign_in(page, base, reader.username)

    page.goto(story_url)
    assert factuality.locator("text=Upgrade to Premium").is_visible()
    assert str(FACTUALITY_COUNTS["very_high"]) not in page.content()
    assert page.locator("#factuality-chart").count() == 0

    grant_in_admin(browser, base, reader)
    page.goto(story_url)

    assert factuality.locator("text=Upgrade to Premium").count() == 0
    assert factuality.locator(f"td:text-is('{FACTUALITY_COUNTS['very_high']}')").is_visible()
    page.wait_for_function(CANVAS_PAINTED, arg="factuality-chart")
    assert factuality.locator(".sentence", has_text="of the rated sources have").is_visible()
    page.screenshot(path=str(artifacts_dir / "members-story-premium.png"), full_page=True)


def test_a_reader_asks_the_editors_for_premium_and_an_editor_finds_it_in_the_admin(
    live_server, page, browser, artifacts_dir
):
    reader = UserFactory(email="reader@example.org")
    base = live_server.url
    sign_in(page, base, reader.username)

    page.goto(base + reverse("upgrade"))
    page.get_by_label("Your message").fill("I run a reading group and would like Premium.")
    page.get_by_role("button", name="Send to the editors").click()
    # The form posts to /upgrade/#ask; the browser keeps the fragment through the redirect.
    page.wait_for_url(base + reverse("premium_request_sent") + "#ask")
    assert page.get_by_role("heading", name="your message is with the editors").is_visible()
    page.screenshot(path=str(artifacts_dir / "premium-request-sent.png"), full_page=True)

    context = browser.new_context()
    admin = context.new_page()
    admin.goto(base + reverse("admin:login"))
    admin.fill("#id_username", StaffFactory().username)
    admin.fill("#id_password", PASSWORD)
    admin.click("input[type=submit]")
    admin.wait_for_url(base + reverse("admin:index"))
    admin.goto(base + reverse("admin:members_premiumrequest_changelist"))
    row = admin.locator("#result_list tbody tr", has_text="I run a reading group")
    assert row.locator("text=reader@example.org").first.is_visible()
    assert row.get_by_role("link", name=reader.username).is_visible()
    admin.screenshot(path=str(artifacts_dir / "admin-premium-requests.png"), full_page=True)
    row.locator("th a").first.click()
    admin.wait_for_load_state()
    admin.screenshot(path=str(artifacts_dir / "admin-premium-request.png"), full_page=True)
    context.close()


def test_a_wrong_password_is_reported_above_the_fields_and_the_fields_keep_their_labels(
    live_server, page, artifacts_dir
):
    reader = UserFactory()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(reader.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("alert").filter(has_text="correct username").is_visible()
    page.screenshot(path=str(artifacts_dir / "sign-in-error.png"), full_page=True)


def test_a_sign_up_error_is_shown_under_its_field(live_server, page, artifacts_dir):
    page.goto(live_server.url + reverse("signup"))
    page.get_by_label("Username").fill("newreader")
    page.get_by_label("Email").fill("new@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD + "x")
    page.get_by_role("button", name="Create account").click()

    confirmation = page.get_by_label("Password confirmation")
    assert confirmation.get_attribute("aria-invalid") == "true"
    error = page.locator("#id_password2_error")
    assert "password fields didn" in error.inner_text()
    field_box, error_box = confirmation.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    page.screenshot(path=str(artifacts_dir / "sign-up-error.png"), full_page=True)


def test_forms_showing_errors_have_no_serious_accessibility_violations(live_server, browser):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    for path, button in (
        (reverse("signup"), "Create account"),
        (reverse("upgrade"), "Send to the editors"),
        (reverse("login"), "Sign in"),
    ):
        page.goto(live_server.url + path)
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        violations = run_axe(page)
        if violations:
            found[path] = describe(violations)
    context.close()

    assert found == {}
