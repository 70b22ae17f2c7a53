"""Typo-tolerant search on PostgreSQL: the pg_trgm extension and a GIN trigram index on the
folded search text. Both are skipped on SQLite, which searches with LIKE only.

The index is not declared in Partner.Meta.indexes because SQLite cannot build a GIN index;
it lives here only, so `makemigrations` never sees it.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "partner_search_text_trgm"


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """Django skips the extension on other databases going forwards, not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON partners_partner "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_load_categories_services_and_access_conditions")]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
