from django.db import migrations

NEWSLETTERS = [
    {
        "kind": "daily",
        "name": "Daily briefing",
        "description": "The day's top stories: what happened and who covers it.",
        "weekday": None,
    },
    {
        "kind": "blindspot",
        "name": "Blindspot report",
        "description": "Once a week: the stories one side of the press barely covered.",
        # Monday: the week's blindspots at the start of the next one.
        "weekday": 0,
    },
]


def create(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    for fields in NEWSLETTERS:
        Newsletter.objects.update_or_create(kind=fields["kind"], defaults=fields)


def remove(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.filter(kind__in=[n["kind"] for n in NEWSLETTERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_newsletters_subscriptions_issues_deliveries")]

    operations = [migrations.RunPython(create, remove)]
