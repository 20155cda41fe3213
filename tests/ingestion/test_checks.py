"""Deploy checks for the ingestion settings."""

from django.test import override_settings

from ingestion.checks import check_loopback_not_allowed_in_production


def test_allowing_loopback_is_reported():
    with override_settings(INGESTION_ALLOW_LOOPBACK=True):
        messages = check_loopback_not_allowed_in_production()

    assert [m.id for m in messages] == ["ingestion.W001"]


def test_the_default_passes():
    with override_settings(INGESTION_ALLOW_LOOPBACK=False):
        assert check_loopback_not_allowed_in_production() == []
