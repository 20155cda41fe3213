from django.apps import AppConfig


class IngestionConfig(AppConfig):
    """Fetch → parse → extract → de-duplicate. Owns no models: it fills stories.Article."""

    name = "ingestion"
