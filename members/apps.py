from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Reader accounts, premium memberships and the reading log behind "My News Bias"."""

    name = "members"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from members import (
            checks,  # noqa: F401  (registers the system checks)
            reader_cache,
        )
        from members.access import user_has_premium
        from members.models import Membership
        from stories.access import set_premium_check

        # stories asks stories.access; the answer is ours (stories may not import members).
        set_premium_check(user_has_premium)
        # A signed-in reader's account and tier are cached: any change drops the copy at once.
        for signal in (post_save, post_delete):
            signal.connect(reader_cache.account_changed, sender=settings.AUTH_USER_MODEL)
            signal.connect(reader_cache.membership_changed, sender=Membership)
