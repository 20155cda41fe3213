"""The "Editors" group: may curate outlets, feeds and ratings, and read the history.

Nothing on users, groups or memberships. Source itself cannot be deleted by editors (deactivate
it instead); aliases, feeds and ratings can be removed, since correcting them needs that.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Editors"
PERMISSIONS = {
    "source": ("add", "change", "view"),
    "sourcedomain": ("add", "change", "delete", "view"),
    "feed": ("add", "change", "delete", "view"),
    "rating": ("add", "change", "delete", "view"),
    "sourcechange": ("view",),
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; this group needs them now.
    sources_config = apps.get_app_config("sources")
    sources_config.models_module = True
    create_permissions(sources_config, apps=apps, verbosity=0)
    sources_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="sources", codename__in=codenames
    )
    group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
