from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Reader accounts, premium memberships and the reading log behind "My News Bias"."""

    name = "members"
