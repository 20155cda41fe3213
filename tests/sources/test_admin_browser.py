"""An editor imports a rater's file through the admin in Chromium: preview first, then confirm."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from sources.models import Rating, SourceChange
from sources.scales import BiasLabel, FactualityLabel, Rater
from tests.factories import SourceFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_previews_then_confirms_a_ratings_import(
    live_server, page, shared_data, artifacts_dir
):
    SourceFactory(
        name="ABC News",
        domain="abcnews.go.com",
        bias=BiasLabel.UNRATED,
        factuality=FactualityLabel.UNRATED,
    )
    editor = get_user_model().objects.create_user("editor", password="pw-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/sources/source/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-editor")
    page.click("input[type=submit]")
    page.click("text=Import ratings file")
    page.set_input_files("#id_file", str(shared_data / "ratings" / "adfontes_2022.csv"))
    page.select_option("#id_rater", Rater.AD_FONTES)
    page.click("input[value=Preview]")

    assert "created 1" in page.locator("#import-summary").inner_text()
    assert not Rating.objects.exists()
    page.screenshot(path=str(artifacts_dir / "admin-import-preview.png"), full_page=True)

    page.click("input[name=confirm]")
    assert "created 1" in page.locator("#import-summary").inner_text()
    assert Rating.objects.get().bias_score is not None
    assert SourceChange.objects.get(field="rating:adfontes").changed_by == editor
    page.goto(f"{live_server.url}/admin/sources/source/")
    page.screenshot(path=str(artifacts_dir / "admin-source-list.png"), full_page=True)
    assert "Center" in page.locator("#result_list").inner_text()
