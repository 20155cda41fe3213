"""A GIN index for full-text search over article titles and excerpts (PostgreSQL only).

Its expression is the one ``stories.search.article_document`` builds, so the planner can use it;
SQLite (embedded mode) has no full-text search and gets nothing.
"""

from django.db import migrations

INDEX_NAME = "article_text_search_idx"
ARTICLE_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"description\", '')), 'C'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON "stories_article" '
            f"USING gin (({ARTICLE_DOCUMENT}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("stories", "0005_article_lead_fingerprint")]

    operations = [migrations.RunPython(create_index, drop_index)]
