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
from django.db.models import QuerySet
from django.utils import timezone

from .events import iso
from .models import AuditEntry, record

PERMIT_TABLE = "audit_journal_purge_permit"
# The anonymisation of a file's free texts (migration 0004): UPDATE of params and detail only.
SCRUB_PERMIT_TABLE = "audit_journal_scrub_permit"


def open_statements(vendor: str, *, scrub: bool = False) -> list[str]:
    """SQL that lets this transaction delete journal entries (``scrub``: rewrite their
    parameters and note), until ``close_statements``."""
    if vendor == "postgresql":
        return [f"SET LOCAL solidome.journal_{'scrub' if scrub else 'purge'} = 'on'"]
    if vendor == "sqlite":
        table = SCRUB_PERMIT_TABLE if scrub else PERMIT_TABLE
        return [f"INSERT OR IGNORE INTO {table} (id) VALUES (1)"]  # noqa: S608
    return []


def close_statements(vendor: str, *, scrub: bool = False) -> list[str]:
    if vendor == "postgresql":
        return [f"SET LOCAL solidome.journal_{'scrub' if scrub else 'purge'} = 'off'"]
    if vendor == "sqlite":
        return [f"DELETE FROM {SCRUB_PERMIT_TABLE if scrub else PERMIT_TABLE}"]  # noqa: S608
    return []


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


@contextlib.contextmanager
def journal_opened(*, scrub: bool = False):
    """Lets the current transaction delete journal entries until the block ends. Only for the
    purge below and for emptying a synthetic database (``generate_load_data --replace``).
    ``scrub`` opens the rewrite of parameters and notes instead, for ``scrub_free_texts``."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in open_statements(connection.vendor, scrub=scrub):
            cursor.execute(statement)
        try:
            yield
        finally:
            for statement in close_statements(connection.vendor, scrub=scrub):
                cursor.execute(statement)


# Parameters that copy what staff typed about the person (a goal's, a step's title).
FREE_TEXT_PARAMS = ("goal", "step")


def scrub_free_texts(entries: QuerySet[AuditEntry]) -> int:
    """Removes the person's free texts copied into journal entries (goal and step titles; in
    a note from before events, what follows " (", a deleted step's title): the one rewrite the
    journal allows, for an anonymised file. Who did what, when, stays. Returns the count."""
    scrubbed = 0
    with journal_opened(scrub=True):
        for entry in entries.select_related(None).only("pk", "params", "detail"):
            params = {
                name: value
                for name, value in (entry.params or {}).items()
                if name not in FREE_TEXT_PARAMS
            }
            detail = entry.detail.split(" (", 1)[0]
            if params != (entry.params or {}) or detail != entry.detail:
                AuditEntry.objects.filter(pk=entry.pk).update(params=params, detail=detail)
                scrubbed += 1
    return scrubbed


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
