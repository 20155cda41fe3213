"""Site-wide notices every page carries."""

import pytest


@pytest.mark.django_db
def test_every_page_says_demo_data_is_fictional_in_demo_mode(client, settings, tmp_path):
    settings.DEMO_MODE_MARKER = tmp_path / "demo-mode"
    assert "fictional outlets" not in client.get("/methodology/").content.decode()
    settings.DEMO_MODE_MARKER.write_text("demo")
    assert (
        "Demo data — fictional outlets and stories" in client.get("/methodology/").content.decode()
    )


@pytest.mark.django_db
def test_pages_say_when_live_ingestion_keeps_running(client, settings):
    settings.INGESTION_RUNNING_IN_BACKGROUND = True
    assert "Ingestion is running" in client.get("/methodology/").content.decode()
