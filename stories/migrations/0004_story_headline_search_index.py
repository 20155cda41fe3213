"""A GIN index for full-text search over story headlines (PostgreSQL only).

Its expression is the one ``stories.search.search_stories`` filters on, so the planner can use
it; SQLite (embedded mode) has no full-text search and gets nothing.
"""

from django.db import migrations

INDEX_NAME = "story_headline_search_idx"
HEADLINE_DOCUMENT = "setweight(to_tsvector('english'::regconfig, COALESCE(\"headline\", '')), 'A')"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON "stories_story" '
            f"USING gin (({HEADLINE_DOCUMENT}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("stories", "0003_sweep_lost_work")]

    operations = [migrations.RunPython(create_index, drop_index)]
