"""Pages built from hostile feeds, opened in Chromium under the real Content-Security-Policy.

The outlet is ingested through the real pipeline from a loopback server (only that server's
``127.0.0.1:port`` allow-listed). Every script payload calls ``alert``: a dialog, a console
error, an uncaught page error or a ``securitypolicyviolation`` event means markup from the
feed reached the browser as markup. CSP is never bypassed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.conftest import DRAWN_PIXELS
from tests.factories import ArticleFactory, SourceFactory, refresh_story_figures
from tests.resilience.pipeline import IngestedOutlet, ingest_hostile_outlet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class Listener:
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def listen(page) -> Listener:
    heard = Listener()

    def on_dialog(dialog) -> None:
        heard.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda message: (
            heard.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: heard.page_errors.append(str(error)))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return heard


@pytest.fixture
def hostile_outlet(live_server, hostile_server, empty_page_cache) -> IngestedOutlet:
    return ingest_hostile_outlet(hostile_server)


def page_path(outlet: IngestedOutlet, name: str) -> str:
    return {
        "home": "/",
        "story": outlet.stories[0].get_absolute_url(),
        "source": f"/sources/{outlet.source.slug}/",
    }[name]


@pytest.mark.parametrize("name", ["home", "story", "source"])
def test_a_page_built_from_hostile_feeds_runs_no_feed_script(
    live_server, page, hostile_outlet, name
):
    heard = listen(page)

    response = page.goto(live_server.url + page_path(hostile_outlet, name))
    page.wait_for_load_state("load")
    # Hover and click every article title: event-handler payloads would fire now.
    for link in page.locator(":is(h1, h2, h3, .article-title a):visible").all()[:20]:
        link.hover()

    violations = page.evaluate("window.__cspViolations")
    assert response is not None and response.status == 200
    assert "Harbor" in page.content()
    assert heard.dialogs == []
    assert heard.console_errors == []
    assert heard.page_errors == []
    assert violations == []


def test_the_story_chart_is_drawn_under_the_content_security_policy(
    live_server, page, hostile_outlet
):
    heard = listen(page)
    # A second outlet covers the hostile story, so the page compares sources and draws its chart
    # (one outlet's articles get no distribution).
    story = hostile_outlet.stories[0]
    ArticleFactory(story=story, source=SourceFactory())
    refresh_story_figures(story)

    response = page.goto(live_server.url + story.get_absolute_url())
    canvas = page.locator("#bias-chart[data-drawn='true']")
    canvas.wait_for()

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert canvas.evaluate(DRAWN_PIXELS) > 500
    assert page.evaluate("window.__cspViolations") == []
    assert heard.console_errors == []


def test_the_listener_hears_a_dialog_when_a_script_does_run(page):
    heard = listen(page)

    page.set_content("<script>alert('probe')</script>")

    assert heard.dialogs == ["probe"]
