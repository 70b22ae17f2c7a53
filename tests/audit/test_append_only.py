"""Issue 10, point 6: nobody rewrites the journal, not even the application's own database
user; entries leave it only through the retention purge, which journals itself."""

import datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from soli_dome.audit import purge
from soli_dome.audit.models import AuditEntry, record
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(accompanier):
    return record(
        actor=accompanier,
        action=AuditEntry.Action.READ,
        target=BeneficiaryFactory(),
        event="file.read",
    )


def refused(operation):
    """Runs ``operation`` in its own savepoint; True if the database refused it."""
    try:
        with transaction.atomic():
            operation()
    except DatabaseError:
        return True
    return False


def _sql(statement, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


def test_queryset_update_is_refused(entry, coordinator):
    assert refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(actor=coordinator))
    assert refused(lambda: AuditEntry.objects.update(event="file.updated"))
    entry.refresh_from_db()
    assert entry.event == "file.read"


def test_queryset_delete_is_refused(entry):
    assert refused(lambda: AuditEntry.objects.filter(pk=entry.pk).delete())
    assert refused(lambda: AuditEntry.objects.all().delete())
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_update_and_delete_are_refused(entry):
    assert refused(_sql("UPDATE audit_auditentry SET detail = 'x' WHERE id = %s", entry.pk))
    assert refused(_sql("DELETE FROM audit_auditentry WHERE id = %s", entry.pk))
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


def test_truncate_is_refused(entry, requires_postgresql):
    assert refused(_sql("TRUNCATE audit_auditentry"))
    assert refused(_sql("TRUNCATE audit_auditentry CASCADE"))
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_even_the_purge_permit_does_not_allow_an_update(entry):
    def update_with_permit():
        with connection.cursor() as cursor:
            for statement in purge.open_statements(connection.vendor):
                cursor.execute(statement)
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")

    assert refused(update_with_permit)


@pytest.fixture
def goal_entry(accompanier):
    return record(
        actor=accompanier,
        action=AuditEntry.Action.UPDATE,
        target=BeneficiaryFactory(),
        event="plan.goal_added",
        goal="Trouver un logement près de chez sa sœur",
    )


def test_anonymisation_removes_the_titles_copied_into_the_journal_and_keeps_the_entry(
    goal_entry,
):
    assert purge.scrub_free_texts(AuditEntry.objects.filter(pk=goal_entry.pk)) == 1
    scrubbed = AuditEntry.objects.get(pk=goal_entry.pk)
    assert scrubbed.params == {}
    assert (scrubbed.event, scrubbed.actor_id, scrubbed.at) == (
        goal_entry.event,
        goal_entry.actor_id,
        goal_entry.at,
    )
    assert "(titre non conservé)" in scrubbed.sentence


@pytest.mark.parametrize(
    "change",
    [{"event": "file.read"}, {"action": "read"}, {"object_id": 0}, {"actor": None}],
)
def test_the_scrub_permit_rewrites_only_parameters_and_notes(goal_entry, change):
    def rewrite_with_scrub_permit():
        with purge.journal_opened(scrub=True):
            AuditEntry.objects.filter(pk=goal_entry.pk).update(**change)

    assert refused(rewrite_with_scrub_permit)


def test_outside_the_scrub_even_parameters_stay_as_written(goal_entry):
    assert refused(lambda: AuditEntry.objects.filter(pk=goal_entry.pk).update(params={}))


def test_the_triggers_are_in_place_after_every_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass "
                "AND NOT tgisinternal"
            )
            expected = {"audit_journal_no_update_or_delete", "audit_journal_no_truncate"}
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditentry'"
            )
            expected = {"audit_journal_no_update", "audit_journal_no_delete"}
        assert {name for (name,) in cursor.fetchall()} == expected


def _entry_at(moment, actor):
    made = record(actor=actor, action=AuditEntry.Action.READ, target=actor, event="file.read")
    # Backdating needs an UPDATE, which the journal refuses: insert the old row directly.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (at, actor_id, action, content_type_id, object_id, "
            "event, params, detail) SELECT %s, actor_id, action, content_type_id, object_id, "
            "event, params, detail FROM audit_auditentry WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(moment), made.pk],
        )
    return AuditEntry.objects.order_by("-pk").first()


def test_the_purge_removes_entries_past_the_retention_and_journals_itself(accompanier, settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    now = timezone.now()
    old = _entry_at(now - datetime.timedelta(days=400), accompanier)
    kept = _entry_at(now - datetime.timedelta(days=300), accompanier)

    purged = purge.purge_old_entries(now=now)

    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert (purged.event, purged.params["count"], purged.params["months"]) == (
        "journal.purged",
        1,
        12,
    )
    assert purged.actor is None and purged.target is None
    assert purged.sentence == "Purge du journal : entrées de plus de 12 mois effacées (1)"
    # The permit closed with the purge: what follows in the same transaction is refused.
    assert refused(lambda: AuditEntry.objects.filter(pk=kept.pk).delete())


def test_the_retention_is_a_setting(accompanier, settings):
    settings.AUDIT_RETENTION_MONTHS = 6
    now = timezone.now()
    seven_months = _entry_at(now - datetime.timedelta(days=213), accompanier)
    purge.purge_old_entries(now=now)
    assert not AuditEntry.objects.filter(pk=seven_months.pk).exists()


def test_the_command_and_the_beat_task_take_the_same_path(accompanier, capsys):
    _entry_at(timezone.now() - datetime.timedelta(days=800), accompanier)
    call_command("purge_journal")
    assert "1 entries older than 12 months removed." in capsys.readouterr().out
    from soli_dome.audit.tasks import purge_journal

    assert purge_journal.delay().get() == 0
    assert AuditEntry.objects.filter(event="journal.purged").count() == 2


def test_the_purge_runs_daily_from_celery_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["journal-purge"]["task"] == "audit.purge_journal"


def test_months_before_keeps_the_day_or_takes_the_months_last():
    moment = datetime.datetime(2027, 3, 31, 10, tzinfo=datetime.UTC)
    assert purge.months_before(moment, 1).date() == datetime.date(2027, 2, 28)
    assert purge.months_before(moment, 12).date() == datetime.date(2026, 3, 31)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_with_entries_is_flushed_afterwards(reference_rows, accompanier):
    """The flush between transactional tests empties the journal (conftest opens it)."""
    record(actor=accompanier, action=AuditEntry.Action.READ, target=accompanier, event="file.read")
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_journal_is_empty_after_the_flush(reference_rows):
    assert AuditEntry.objects.count() == 0
