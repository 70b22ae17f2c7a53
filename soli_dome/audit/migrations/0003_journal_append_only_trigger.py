"""The journal refuses to be rewritten: UPDATE, DELETE and TRUNCATE are refused by the
database itself, whoever sends them. Only the retention purge (soli_dome/audit/purge.py) opens
DELETE and TRUNCATE, inside its own transaction: on PostgreSQL by setting the custom setting
``solidome.journal_purge`` to "on" with SET LOCAL (it ends with the transaction), on SQLite by
a row in a permit table that the purge adds and removes in the same transaction.

Trap: on SQLite, a later migration that alters the journal table rebuilds it and loses these
triggers; tests/audit/test_append_only.py checks they are still there after every migration.
"""

from django.db import migrations

POSTGRESQL = """
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
CREATE TRIGGER audit_journal_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_journal_append_only();
CREATE TRIGGER audit_journal_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_journal_append_only();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS audit_journal_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_journal_no_update_or_delete ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_journal_append_only();
"""
SQLITE = [
    "CREATE TABLE audit_journal_purge_permit (id INTEGER PRIMARY KEY CHECK (id = 1))",
    """CREATE TRIGGER audit_journal_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'the access journal is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_journal_no_delete BEFORE DELETE ON audit_auditentry
    WHEN NOT EXISTS (SELECT 1 FROM audit_journal_purge_permit)
    BEGIN SELECT RAISE(ABORT, 'the access journal is append-only: DELETE refused'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_journal_no_delete",
    "DROP TRIGGER IF EXISTS audit_journal_no_update",
    "DROP TABLE IF EXISTS audit_journal_purge_permit",
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
    else:  # the platform runs on these two; another database would have an open journal
        raise NotImplementedError(f"No append-only trigger for {vendor}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_journal_events_and_system_entries")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
