"""The one way entries leave the journal: the retention purge.

(Two database-wide flushes also open it, both for databases of no one: the test suite's, in
``tests/conftest.py``, and ``generate_load_data --replace``, which first proves the database
holds only its own synthetic data.)

The database refuses DELETE and TRUNCATE on the journal (migration 0003). ``purge_old_entries``
opens them inside its own transaction only, removes the entries older than
``AUDIT_RETENTION_MONTHS``, closes them again and journals what it did. Celery beat runs it
daily (``soli_dome.audit.tasks.purge_journal``); ``manage.py purge_journal`` runs it by hand.
"""

import calendar
import contextlib
import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .events import iso
from .models import AuditEntry, record

PERMIT_TABLE = "audit_journal_purge_permit"


def open_statements(vendor: str) -> list[str]:
    """SQL that lets this transaction delete journal entries, until ``close_statements``."""
    if vendor == "postgresql":
        return ["SET LOCAL solidome.journal_purge = 'on'"]
    if vendor == "sqlite":
        return [f"INSERT OR IGNORE INTO {PERMIT_TABLE} (id) VALUES (1)"]  # noqa: S608
    return []


def close_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return ["SET LOCAL solidome.journal_purge = 'off'"]
    if vendor == "sqlite":
        return [f"DELETE FROM {PERMIT_TABLE}"]  # noqa: S608
    return []


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


@contextlib.contextmanager
def journal_opened():
    """Lets the current transaction delete journal entries until the block ends. Only for the
    purge below and for emptying a synthetic database (``generate_load_data --replace``)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in open_statements(connection.vendor):
            cursor.execute(statement)
        try:
            yield
        finally:
            for statement in close_statements(connection.vendor):
                cursor.execute(statement)


@transaction.atomic
def purge_old_entries(*, now: datetime.datetime | None = None) -> AuditEntry:
    """Removes the entries older than the retention period; returns the purge's own entry."""
    months = settings.AUDIT_RETENTION_MONTHS
    cutoff = months_before(timezone.localtime(now or timezone.now()), months)
    with journal_opened():
        count, _by_model = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return record(
        actor=None,
        action=AuditEntry.Action.DELETE,
        target=None,
        event="journal.purged",
        count=count,
        months=months,
        before=iso(cutoff),
    )
