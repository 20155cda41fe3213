from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Reader accounts, premium memberships and the reading log behind "My News Bias"."""

    name = "members"

    def ready(self) -> None:
        from members import checks  # noqa: F401  (registers the system checks)
        from members.access import user_has_premium
        from stories.access import set_premium_check

        # stories asks stories.access; the answer is ours (stories may not import members).
        set_premium_check(user_has_premium)
