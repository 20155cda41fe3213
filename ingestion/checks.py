"""System checks for ingestion settings (stable ids: ingestion.E001, E002, W001)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from infra.checks import numbers_out_of_range


def check_loopback_not_allowed_in_production(**kwargs: object) -> list[CheckMessage]:
    """Loopback fetching exists for the test server; in production it opens the door to SSRF."""
    if settings.INGESTION_ALLOW_LOOPBACK:
        return [
            Warning(
                "INGESTION_ALLOW_LOOPBACK is on: feeds and pages may be fetched from this "
                "machine's loopback interface.",
                hint="Unset INGESTION_ALLOW_LOOPBACK outside tests.",
                id="ingestion.W001",
            )
        ]
    return []


def check_http_settings(**kwargs: object) -> list[CheckMessage]:
    """The timeouts and pauses of outgoing HTTP are positive numbers; overrides are
    ``"address:port"`` strings."""
    errors: list[CheckMessage] = list(
        numbers_out_of_range(
            [
                "INGESTION_CONNECT_TIMEOUT_SECONDS",
                "INGESTION_READ_TIMEOUT_SECONDS",
                "INGESTION_TOTAL_TIMEOUT_SECONDS",
                "INGESTION_HOST_SLOT_WAIT_SECONDS",
            ],
            check_id="ingestion.E001",
        )
    )
    errors += numbers_out_of_range(
        ["INGESTION_HOST_DELAY_SECONDS"], check_id="ingestion.E001", allow_zero=True
    )
    for host, target in dict(settings.INGESTION_HOST_OVERRIDES).items():
        _address, colon, port = str(target).rpartition(":")
        if not colon or not port.isdigit():
            errors.append(
                Error(
                    f'INGESTION_HOST_OVERRIDES[{host!r}] must be an "address:port" string.',
                    id="ingestion.E002",
                )
            )
    return errors
