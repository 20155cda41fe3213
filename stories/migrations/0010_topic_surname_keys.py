"""People topics get an indexed surname key (filled for the people already known), and stories
remember the surname keys their topics were read with."""

import django.db.models.deletion
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
        migrations.CreateModel(
            name="StorySurname",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("surname_key", models.CharField(max_length=120)),
                (
                    "story",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="surname_rows",
                        to="stories.story",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["surname_key"], name="story_surname_key_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("story", "surname_key"), name="one_story_surname"
                    )
                ],
            },
        ),
    ]
