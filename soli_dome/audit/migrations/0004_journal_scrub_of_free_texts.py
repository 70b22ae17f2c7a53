"""The journal stays append-only, with one rewrite: when a file is anonymised, the free texts
copied into its entries (goal and step titles) are removed (soli_dome/audit/purge.py,
``scrub_free_texts``). Inside that transaction only, an UPDATE may change ``params`` and
``detail``; who, when, what and about which file stay refused. On PostgreSQL the custom
setting ``solidome.journal_scrub`` opens it (SET LOCAL), on SQLite a row of a permit table.
"""

from django.db import migrations

POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_journal_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('solidome.journal_scrub', true), '') = 'on'
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
       AND NEW.event = OLD.event
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.content_type_id IS NOT DISTINCT FROM OLD.content_type_id
       AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id THEN
        RETURN NEW;
    END IF;
    IF TG_OP <> 'UPDATE'
       AND coalesce(current_setting('solidome.journal_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access journal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
POSTGRESQL_REVERSE = """
CREATE OR REPLACE FUNCTION audit_journal_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE'
       AND coalesce(current_setting('solidome.journal_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access journal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
SQLITE = [
    "CREATE TABLE audit_journal_scrub_permit (id INTEGER PRIMARY KEY CHECK (id = 1))",
    "DROP TRIGGER audit_journal_no_update",
    """CREATE TRIGGER audit_journal_no_update BEFORE UPDATE ON audit_auditentry
    WHEN NOT EXISTS (SELECT 1 FROM audit_journal_scrub_permit)
        OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action
        OR NEW.event IS NOT OLD.event OR NEW.actor_id IS NOT OLD.actor_id
        OR NEW.content_type_id IS NOT OLD.content_type_id OR NEW.object_id IS NOT OLD.object_id
    BEGIN SELECT RAISE(ABORT, 'the access journal is append-only: UPDATE refused'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_journal_no_update",
    """CREATE TRIGGER audit_journal_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'the access journal is append-only: UPDATE refused'); END""",
    "DROP TABLE audit_journal_scrub_permit",
]


def forwards(apps, schema_editor):
    _run(schema_editor, POSTGRESQL, SQLITE)


def backwards(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_REVERSE, SQLITE_REVERSE)


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)  # "%" is plpgsql's, not a placeholder
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No append-only trigger for {vendor}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_journal_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
