"""The reader site in Debian's Chromium: tabs, the chart, screenshots and axe-core."""

from pathlib import Path

import pytest

from tests.conftest import DRAWN_PIXELS, REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']}: {v['nodes'][0]['target']}" for v in violations)


def test_the_story_chart_is_drawn_on_its_canvas(live_server, page, story):
    page.goto(live_server.url + story.get_absolute_url())

    canvas = page.locator("#bias-chart[data-drawn='true']")
    canvas.wait_for()

    assert canvas.evaluate(DRAWN_PIXELS) > 500


def test_switching_to_the_left_tab_shows_only_left_articles(live_server, page, story):
    page.goto(live_server.url + story.get_absolute_url())

    # Two left-leaning outlets (the tab counts sources), four articles between them.
    page.get_by_role("link", name="Left 2").click()
    page.wait_for_url("**side=left**")
    page.locator(".tab-left[aria-current='page']").wait_for()

    sides = page.locator("#articles .article-list > li").evaluate_all(
        "items => items.map(item => item.className)"
    )
    assert sides == ["article side-left"] * 4


def test_the_story_page_is_screenshotted_at_phone_and_desktop_widths(
    live_server, browser, story, artifacts_dir: Path
):
    for name, viewport, scheme in (
        ("story-phone", PHONE, "light"),
        ("story-desktop", DESKTOP, "light"),
        ("story-desktop-dark", DESKTOP, "dark"),
    ):
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + story.get_absolute_url())
        page.locator("#bias-chart[data-drawn='true']").wait_for()
        path = artifacts_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        context.close()

        assert path.stat().st_size > 10_000


def test_the_home_page_is_screenshotted_at_phone_width(
    live_server, browser, story, artifacts_dir: Path
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    path = artifacts_dir / "home-phone.png"
    page.screenshot(path=str(path), full_page=True)
    context.close()

    assert path.stat().st_size > 5_000


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reader_pages_have_no_serious_accessibility_violations(
    live_server, browser, story, scheme, artifacts_dir: Path
):
    source = story.articles.first().source
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    found = {}
    pages = {
        "home": "/",
        "story": story.get_absolute_url(),
        "source": source.get_absolute_url(),
        "methodology": "/methodology/",
        "premium": "/upgrade/",
        "premium-sent": "/upgrade/sent/",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(artifacts_dir / f"axe-{name}-{scheme}.png"), full_page=True)
        violations = run_axe(page)
        if violations:
            found[path] = describe(violations)
    context.close()

    assert found == {}


LAPTOP = {"width": 1366, "height": 900}
ACCOUNT_PAGES = {
    "premium": "/upgrade/",
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "methodology": "/methodology/",
}


@pytest.mark.parametrize(("width_name", "viewport"), [("1366", LAPTOP), ("390", PHONE)])
def test_premium_sign_in_sign_up_and_methodology_fit_the_screen(
    live_server, browser, width_name, viewport, artifacts_dir: Path
):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    too_wide = {}
    for name, path in ACCOUNT_PAGES.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(artifacts_dir / f"{name}-{width_name}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[name] = overflow
    context.close()

    assert too_wide == {}


def test_the_premium_sample_picture_loads(live_server, page):
    page.goto(live_server.url + "/upgrade/")
    picture = page.locator(".premium-sample img")

    assert picture.evaluate("img => img.complete && img.naturalWidth") > 300


def test_the_methodology_lead_is_visible_and_a_mapping_table_opens_on_request(live_server, page):
    page.goto(live_server.url + "/methodology/")
    first_table = page.locator("table.mapping").first

    assert page.get_by_role("heading", name="In short").is_visible()
    assert page.locator(".method-terms dt", has_text="Factuality").is_visible()
    assert not first_table.is_visible()
    page.locator(".mapping-details > summary").first.click()
    assert first_table.is_visible()
