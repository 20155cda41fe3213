"""Every page a reader, a member or an editor opens, on the demo site, at desktop and phone widths.

The screenshots in ``test-artifacts/screenshots/`` are the set we look at after a change to the
reader pages; the test asserts what a reader would notice on any of them: the page answers as it
should, nothing scrolls sideways, and axe-core finds no serious accessibility violation.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse

from sources.models import Source
from stories.models import Story
from tests.pages.test_browser import describe, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"


@pytest.fixture
def demo_site(tmp_path: Path):
    """The demo corpus through the real pipeline, with its admin and its two readers."""
    with override_settings(EMBEDDED=True, VAR_DIR=tmp_path, DEMO_MODE_MARKER=tmp_path / "demo"):
        call_command("first_run", "--demo", stdout=StringIO())
        yield {
            name: (tmp_path / f"{name}_password").read_text()
            for name in ("admin", "premium-reader", "free-reader")
        }


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def pages_to_shoot() -> dict[str, tuple[str | None, str, int]]:
    """name → (who is signed in, path, expected status)."""
    story = Story.objects.annotate(n=Count("articles")).order_by("-n").first()
    source = Source.objects.annotate(n=Count("articles")).order_by("-n").first()
    assert story is not None and source is not None
    return {
        "home": (None, "/", 200),
        "story": (None, story.get_absolute_url(), 200),
        "story-premium": ("premium-reader", story.get_absolute_url(), 200),
        "blindspot": (None, reverse("blindspot"), 200),
        "sources": (None, reverse("source_list"), 200),
        "source": (None, source.get_absolute_url(), 200),
        "search": (None, reverse("search") + "?q=ranchers", 200),
        "source-two-raters": (None, reverse("source_detail", args=["heartland-herald"]), 200),
        "methodology": (None, reverse("methodology"), 200),
        "premium": (None, reverse("upgrade"), 200),
        "sign-in": (None, reverse("login"), 200),
        "sign-up": (None, reverse("signup"), 200),
        "my-news-bias": ("premium-reader", reverse("my_news_bias"), 200),
        "not-found": (None, "/stories/no-such-story/", 404),
        "ops": ("admin", reverse("ingestion_ops"), 200),
    }


def test_every_reader_page_is_shot_scrolls_no_sideways_and_passes_axe(
    live_server, browser, demo_site, artifacts_dir: Path
):
    shots = artifacts_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    statuses, signed_out, sideways, violations = {}, {}, {}, {}
    for viewport in WIDTHS.values():
        contexts: dict[str | None, object] = {}
        for name, (who, path, expected_status) in pages_to_shoot().items():
            shot = f"{name}-{viewport['width']}"
            if who not in contexts:
                # axe-core is injected as an inline script, which the site's CSP rightly refuses.
                contexts[who] = browser.new_context(viewport=viewport, bypass_csp=True)
                if who:
                    sign_in(contexts[who].new_page(), live_server.url, who, demo_site[who])
            page = contexts[who].new_page()
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(shots / f"{shot}.png"), full_page=True)
            if response.status != expected_status:
                statuses[shot] = response.status
            if who and not page.get_by_text("Sign out").count():
                signed_out[shot] = who
            if page.evaluate(SCROLL_WIDTH) > viewport["width"]:
                sideways[shot] = page.evaluate(SCROLL_WIDTH)
            if found := run_axe(page):
                violations[shot] = describe(found)
            page.close()
        for context in contexts.values():
            context.close()

    assert statuses == {}
    assert signed_out == {}
    assert sideways == {}
    assert violations == {}
