from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources and ratings"

    def ready(self) -> None:
        from sources.permissions import editors_group_ensure

        post_migrate.connect(editors_group_ensure, sender=self)
