"""People topics get an indexed surname key, filled for the people already known."""

from django.db import migrations, models


def fill_surname_keys(apps, schema_editor):
    from stories.topics import surname_key

    Topic = apps.get_model("stories", "Topic")
    people = list(Topic.objects.filter(kind="person"))
    for topic in people:
        topic.surname_key = surname_key(topic.name)
    Topic.objects.bulk_update(people, ["surname_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("stories", "0009_article_text_dropped_at")]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="surname_key",
            field=models.CharField(blank=True, db_index=True, max_length=120),
        ),
        migrations.RunPython(fill_surname_keys, migrations.RunPython.noop),
    ]
