"""System checks for ingestion settings (stable ids: ingestion.W001 …)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def check_loopback_not_allowed_in_production(**kwargs: object) -> list[CheckMessage]:
    """Loopback fetching exists for the test server; in production it opens the door to SSRF."""
    if getattr(settings, "INGESTION_ALLOW_LOOPBACK", False):
        return [
            Warning(
                "INGESTION_ALLOW_LOOPBACK is on: feeds and pages may be fetched from this "
                "machine's loopback interface.",
                hint="Unset INGESTION_ALLOW_LOOPBACK outside tests.",
                id="ingestion.W001",
            )
        ]
    return []
