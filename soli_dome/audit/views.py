from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soli_dome import exports
from soli_dome.users.permissions import coordinator_required

from .forms import JournalFilterForm
from .models import AuditEntry, record

PAGE_SIZE = 50


def _actor(entry) -> str:
    return str(entry.actor) if entry.actor_id else str(_("la plateforme"))


def _file(entry) -> str:
    return str(entry.target) if entry.target is not None else ""


COLUMNS = [
    exports.Column(_("Date"), lambda entry: entry.at),
    exports.Column(_("Personne"), _actor, width=30),
    exports.Column(_("Action"), lambda entry: entry.get_action_display()),
    exports.Column(_("Dossier"), _file, width=30),
    exports.Column(_("Ce qui a été fait"), lambda entry: entry.sentence, width=60),
]


def _filtered(request):
    form = JournalFilterForm(request.GET or None)
    return form, form.filter(AuditEntry.objects.for_journal())


@coordinator_required
def journal(request):
    """Every read and change of the files, newest first, filtered."""
    form, entries = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/journal.html",
        {
            "form": form,
            "page": page,
            "query_without_page": query.urlencode(),
            "retention_months": settings.AUDIT_RETENTION_MONTHS,
        },
    )


@coordinator_required
def journal_export(request):
    """The filtered journal as CSV; the export is itself an entry."""
    form, entries = _filtered(request)
    record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target=None,
        event="journal.exported",
        count=entries.count(),
        filters=form.described_filters(),
    )
    filename = f"journal-des-acces-{timezone.localdate():%Y-%m-%d}.csv"
    return exports.csv_response(filename, COLUMNS, entries.iterator(chunk_size=500))
