"""Pictures in Chromium: they load from the site under its CSP, the layout holds at 1366 and
390 px (screenshots in test-artifacts/), and axe-core finds nothing serious."""

from pathlib import Path

import pytest

from tests.factories import StoryFactory
from tests.pages.test_browser import PHONE, describe, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
# Every <img> on the page, lazy ones loaded too, waited for (5 s at most): [src, loaded width].
LOADED_IMAGES = """async () => {
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  const settled = Promise.all(images.map((img) => img.decode().catch(() => null)));
  await Promise.race([settled, new Promise((done) => setTimeout(done, 5000))]);
  return images.map((img) => [img.currentSrc || img.src, img.naturalWidth]);
}"""
SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"


@pytest.fixture
def front_page(pictured_story, stored_photo):
    """The pictured story leads; six smaller stories with pictures (and one without) follow."""
    for index in range(6):
        StoryFactory(
            headline=f"Harbour bridge repairs, day {index + 2}",
            image=stored_photo(1000 + index * 20, 600),
            source_count=3,
            left_count=1,
            center_count=1,
            right_count=1,
        )
    StoryFactory(headline="A story nobody photographed", source_count=2, center_count=2)
    return pictured_story


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_home_and_story_pictures_load_from_the_site_and_fit_the_width(
    live_server, browser, front_page, viewport, artifacts_dir: Path
):
    context = browser.new_context(viewport=viewport)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    seen = {}
    for name, path in (("home", "/"), ("story", front_page.get_absolute_url())):
        page.goto(live_server.url + path)
        loaded = page.evaluate(LOADED_IMAGES)
        page.screenshot(
            path=str(artifacts_dir / f"pictures-{name}-{viewport['width']}.png"), full_page=True
        )
        seen[name] = {
            "images": len(loaded),
            "broken": [src for src, width in loaded if not width],
            "foreign": [src for src, _ in loaded if not src.startswith(live_server.url)],
            "csp": page.evaluate("window.__cspViolations"),
            "sideways": page.evaluate(SCROLL_WIDTH) > viewport["width"],
        }
    context.close()

    # Home: the lead and six cards. Story: its picture, five article thumbnails, and the icons
    # of four outlets beside their eight articles and two of the first reporters.
    assert (seen["home"]["images"], seen["story"]["images"]) == (7, 1 + 5 + 8 + 2)
    for name in seen:
        assert seen[name]["broken"] == seen[name]["foreign"] == seen[name]["csp"] == []
        assert not seen[name]["sideways"]


def test_pages_with_pictures_and_icons_have_no_serious_accessibility_violations(
    live_server, browser, front_page
):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(viewport=WIDE, bypass_csp=True)
    page = context.new_page()
    found = {}
    source = front_page.articles.first().source
    for path in ("/", front_page.get_absolute_url(), "/sources/", source.get_absolute_url()):
        page.goto(live_server.url + path)
        if violations := run_axe(page):
            found[path] = describe(violations)
    context.close()

    assert found == {}
