"""One account per e-mail address, whatever its case.

``auth.User`` is Django's model, so the invariant is an index of this app's: unique on
``LOWER(email)`` for accounts that have an address. Addresses set twice before it existed (the
profile took any address at once) stay with the oldest account; later ones are cleared, which
only means those accounts must confirm an address of their own before a password reset.
"""

from django.conf import settings
from django.db import migrations

INDEX = "members_user_email_ci_unique"


def clear_repeated_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    seen: set[str] = set()
    for user in User.objects.exclude(email="").order_by("date_joined", "pk"):
        address = user.email.lower()
        if address in seen:
            User.objects.filter(pk=user.pk).update(email="")
        seen.add(address)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(clear_repeated_addresses, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]
