"""Stored import files, and the large imports a background worker runs.

A confirmed file of ``BACKGROUND_FROM_ROWS`` rows or more becomes an ``ImportJob``: the worker
checks the file again and writes it in one transaction, all or nothing, counting the rows
written in a small progress file that the job's page polls.
"""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import data_inclusion, transfer
from .models import Category, ImportJob

logger = logging.getLogger(__name__)

BACKGROUND_FROM_ROWS = 200
PROGRESS_EVERY_ROWS = 20


def summary(*, created: int, updated: int, unchanged: int) -> str:
    """ "Import terminé : 2 fiches créées, 1 mise à jour." with real plurals; a count of zero
    is left out (French and English disagree on its plural)."""
    parts = [
        ngettext("%(count)d fiche créée", "%(count)d fiches créées", created) % {"count": created}
        if created
        else "",
        ngettext("%(count)d mise à jour", "%(count)d mises à jour", updated) % {"count": updated}
        if updated
        else "",
        ngettext("%(count)d inchangée", "%(count)d inchangées", unchanged) % {"count": unchanged}
        if unchanged
        else "",
    ]
    return _("Import terminé : %(parts)s.") % {"parts": ", ".join(part for part in parts if part)}


def imports_dir():
    directory = settings.VAR_DIR / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def read_file(path, category_id):
    """The table of a stored file and the category of its new listings (data·inclusion
    files only). Raises ``transfer.UnreadableFile``."""
    extension = path.suffix.lstrip(".")
    if extension != "json":
        return transfer.read_table(path.read_bytes(), extension), None
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    if category is None:
        raise transfer.UnreadableFile(
            _("Choisissez la catégorie des nouvelles fiches, puis déposez le fichier.")
        )
    return data_inclusion.read_structures(path.read_bytes()), category


def plan_file(path, category_id):
    """The import plan of a stored file, or None and why the file cannot be read."""
    try:
        table, category = read_file(path, category_id)
    except transfer.UnreadableFile as error:
        return None, str(error)
    if category is None:
        return transfer.plan_import(table), ""
    return data_inclusion.plan_import(table, category=category), ""


def row_count(path, category_id):
    """The number of rows of a stored file (header and empty rows aside); 0 if unreadable."""
    try:
        table, _category = read_file(path, category_id)
    except transfer.UnreadableFile:
        return 0
    return transfer.count_rows(table)


def _progress_path(job):
    return imports_dir() / f"{job.token}.progress"


def write_progress(job, done, total):
    _progress_path(job).write_text(json.dumps({"done": done, "total": total}))


def read_progress(job):
    """``(rows written, rows to write)`` of a running job, or None before it counts."""
    try:
        progress = json.loads(_progress_path(job).read_text())
    except (OSError, ValueError):
        return None
    return progress["done"], progress["total"]


def start(*, token, category_id, by):
    """A job for the stored file ``token``, run by a worker once this transaction commits."""
    from .tasks import run_import_job

    job, created = ImportJob.objects.get_or_create(
        token=token, defaults={"category_id": category_id, "created_by": by}
    )
    if created:  # a second confirmation of the same file shows the first job
        run_import_job.delay_on_commit(job.pk)
    return job


class _Refused(Exception):
    pass


def run(job_id):
    """Runs a queued job: claimed by one conditional update, so that a job delivered twice
    is run once."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.get(pk=job_id)
    path = imports_dir() / job.token
    try:
        with transaction.atomic():
            if not path.is_file():
                raise _Refused(_("Le fichier à importer est introuvable : déposez-le de nouveau."))
            plan, unreadable = plan_file(path, job.category_id)
            if plan is None or not plan.can_import:
                raise _Refused(
                    unreadable
                    or _("Le fichier a des erreurs : vérifiez-le de nouveau, rien n'est importé.")
                )
            total = len(plan.rows)
            write_progress(job, 0, total)
            transfer.run_import(
                plan,
                progress=lambda done: write_progress(job, done, total),
                every=PROGRESS_EVERY_ROWS,
            )
    except _Refused as refusal:
        _end(job, ImportJob.Status.FAILED, error=str(refusal))
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _end(job, ImportJob.Status.FAILED, error=_("L'import a échoué : rien n'est enregistré."))
        raise
    else:
        path.unlink(missing_ok=True)
        _end(
            job,
            ImportJob.Status.DONE,
            created_count=plan.to_create,
            updated_count=plan.to_update,
            unchanged_count=plan.unchanged,
        )


def _end(job, status, **fields):
    _progress_path(job).unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(status=status, updated_at=timezone.now(), **fields)
