"""The Premium page's picture is the real Factuality panel of a demo story.

The picture in ``static/img/`` is a screenshot of that panel as a Premium reader sees it, taken
here from the demo corpus run through the real pipeline. Every run saves a fresh one in
``test-artifacts/``; to replace the committed picture after the panel changed, run

    NEWSDESK_WRITE_PREMIUM_SAMPLE=1 .venv/bin/pytest tests/members/test_premium_sample.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from embedded.first_run import demo_replay
from members.models import GrantOrigin
from members.services import membership_grant_premium
from members.views import PREMIUM_SAMPLE_IMAGE
from stories.models import Story
from tests.conftest import REPO_ROOT
from tests.members.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMITTED = REPO_ROOT / "static" / PREMIUM_SAMPLE_IMAGE
# Wide enough that the panel has the width it has beside a story's articles on a laptop.
VIEWPORT = {"width": 1366, "height": 900}
# Twice the CSS pixels, so the picture stays sharp on high-density screens.
SCALE = 2
# Fonts differ a little between machines; a different panel (rows, chart) differs far more.
HEIGHT_TOLERANCE = 0.1


def test_the_premium_sample_is_the_factuality_panel_of_a_demo_story(
    live_server, browser, tmp_path, artifacts_dir: Path
):
    with override_settings(DEMO_MODE_MARKER=tmp_path / "demo-mode"):
        demo_replay(now=timezone.now(), progress=lambda message: None)
    # The story whose outlets span the most factuality levels (then the most outlets): the
    # fullest picture of what the panel tells.
    story = (
        Story.objects.annotate(
            levels=Count("articles__source__factuality", distinct=True),
            outlets=Count("articles__source", distinct=True),
        )
        .order_by("-levels", "-outlets", "id")
        .first()
    )
    reader = UserFactory()
    membership_grant_premium(
        user=reader, actor=None, reason="premium sample", origin=GrantOrigin.COMMAND
    )
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=SCALE)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", reader.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/profile/")
    page.goto(live_server.url + story.get_absolute_url())
    page.locator("#factuality-chart[data-drawn='true']").wait_for()
    fresh = artifacts_dir / "premium-factuality-sample.png"
    page.locator("section[aria-labelledby='factuality-heading']").screenshot(path=str(fresh))
    context.close()
    if os.environ.get("NEWSDESK_WRITE_PREMIUM_SAMPLE") == "1":
        shutil.copyfile(fresh, COMMITTED)

    with Image.open(fresh) as new, Image.open(COMMITTED) as committed:
        assert committed.width == new.width
        assert abs(committed.height - new.height) <= HEIGHT_TOLERANCE * new.height
