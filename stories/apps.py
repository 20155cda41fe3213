from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories and articles"

    def ready(self) -> None:
        from sources.signals import source_rating_changed
        from stories import checks  # noqa: F401  (registers the system checks)
        from stories.receivers import on_source_rating_changed

        source_rating_changed.connect(
            on_source_rating_changed, dispatch_uid="stories.source_rating_changed"
        )
