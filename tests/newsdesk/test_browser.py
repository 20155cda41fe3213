"""The running site, opened in Debian's Chromium."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_page_opens_in_chromium(live_server, page, artifacts_dir):
    response = page.goto(live_server.url + "/")

    assert response is not None and response.status == 200
    assert page.locator("a.brand").inner_text() == "Newsdesk"
    screenshot = artifacts_dir / "home-desktop.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 1000
