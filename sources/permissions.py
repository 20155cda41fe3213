"""Keep the "Editors" group in place after every migrate (and every test-database flush).

Migration 0002 creates the group on a fresh database; this post_migrate handler restores it
whenever it is missing, with the same permissions, so editors never lose access.
"""

from typing import Any

EDITORS_GROUP = "Editors"
EDITOR_PERMISSIONS = {
    "source": ("add", "change", "view"),
    "sourcedomain": ("add", "change", "delete", "view"),
    "feed": ("add", "change", "delete", "view"),
    "rating": ("add", "change", "delete", "view"),
    "sourcechange": ("view",),
}


def editors_group_ensure(**kwargs: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    codenames = [f"{a}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for a in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="sources", codename__in=codenames)
    )
