from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Reader accounts, premium memberships and the reading log behind "My News Bias"."""

    name = "members"

    def ready(self) -> None:
        from members import checks  # noqa: F401  (registers the system checks)
