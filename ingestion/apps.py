from django.apps import AppConfig
from django.core import checks


class IngestionConfig(AppConfig):
    """Fetch → parse → extract → de-duplicate. Owns no models: it fills stories.Article."""

    name = "ingestion"

    def ready(self) -> None:
        from ingestion.checks import check_http_settings, check_loopback_not_allowed_in_production

        checks.register(check_loopback_not_allowed_in_production, checks.Tags.security, deploy=True)
        checks.register(check_http_settings)
