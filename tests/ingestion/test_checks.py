"""Deploy checks for the ingestion settings."""

from django.test import override_settings

from ingestion.checks import check_http_settings, check_loopback_not_allowed_in_production


def test_allowing_loopback_is_reported():
    with override_settings(INGESTION_ALLOW_LOOPBACK=True):
        messages = check_loopback_not_allowed_in_production()

    assert [m.id for m in messages] == ["ingestion.W001"]


def test_the_default_passes():
    with override_settings(INGESTION_ALLOW_LOOPBACK=False):
        assert check_loopback_not_allowed_in_production() == []


def test_the_declared_http_settings_pass():
    assert check_http_settings() == []


def test_a_timeout_that_is_not_a_positive_number_is_an_error(settings):
    settings.INGESTION_TOTAL_TIMEOUT_SECONDS = "30"
    settings.INGESTION_READ_TIMEOUT_SECONDS = 0

    assert [m.id for m in check_http_settings()] == ["ingestion.E001", "ingestion.E001"]


def test_no_politeness_pause_is_allowed(settings):
    settings.INGESTION_HOST_DELAY_SECONDS = 0

    assert check_http_settings() == []


def test_a_host_override_without_a_port_is_an_error(settings):
    settings.INGESTION_HOST_OVERRIDES = {"news.example": "127.0.0.1"}

    assert [m.id for m in check_http_settings()] == ["ingestion.E002"]
