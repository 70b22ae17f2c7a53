"""Exports of files, sessions, referrals, supports and questionnaires as CSV or XLSX, through
the shared writer (``soli_dome.exports``: formulas neutralised, typed cells).

Each export holds only what the user may see (``visible_to``), reads its rows with
``iterator()`` so that memory does not grow with them, and is journalled (a ``DataExport``
row and an audit entry). Over ``EXPORT_BACKGROUND_FROM_ROWS`` rows it is written by a
worker, its page shows the progress, and the file is downloaded through a signed link for
the person who asked, until ``EXPORT_LINK_HOURS`` after it was written."""

import datetime
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Least
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accompaniment.models import (
    FoodInsecurityAssessment,
    Participation,
    PracticesCheckIn,
    Referral,
    Support,
)
from accompaniment.models.assessments import FIES_QUESTIONS, PRACTICE_QUESTIONS
from accompaniment.models.exports import DataExport
from accompaniment.models.plans import visible_files_filter
from beneficiaries.models import Assignment, Beneficiary
from soli_dome import exports
from soli_dome.audit.events import iso
from soli_dome.audit.models import AuditEntry, record
from soli_dome.exports import Column

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
PROGRESS_EVERY_ROWS = 500
DOWNLOAD_SALT = "accompaniment.export-download"


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: its rows for a user, and its columns (built per export, so that a
    research export gets the pseudonyms of its own salt)."""

    slug: str
    label: Promise
    description: Promise
    rows: Callable[[Any], QuerySet]
    columns: Callable[[dict], list[Column]]
    coordinators_only: bool = False
    options: dict = field(default_factory=dict)


def _display(name):
    return lambda row: getattr(row, f"get_{name}_display")()


def _file_columns(path=""):
    """The file number and name of the person a row is about (``path`` leads to the file)."""

    def person(row):
        return getattr(row, path) if path else row

    return [
        Column(_("N° de dossier"), lambda row: person(row).pk),
        Column(_("Nom"), lambda row: person(row).last_name),
        Column(_("Prénom"), lambda row: person(row).first_name),
    ]


# Files ------------------------------------------------------------------------------------


def _files(user):
    primary = Assignment.objects.filter(beneficiary=OuterRef("pk"), is_primary=True).annotate(
        name=Concat("accompanier__first_name", Value(" "), "accompanier__last_name")
    )
    return (
        Beneficiary.objects.visible_to(user)
        .select_related("commune")
        .annotate(primary_accompanier=Subquery(primary.values("name")[:1]))
        .order_by("pk")
    )


def _commune(person):
    return person.commune.name if person.commune_id else _("Hors métropole")


def _file_export_columns(options):
    return [
        *_file_columns(),
        Column(_("Date de naissance"), lambda p: p.birth_date),
        Column(_("Public"), lambda p: p.get_public_display()),
        Column(_("Genre"), _display("gender")),
        Column(_("Téléphone"), lambda p: p.phone_display),
        Column(_("E-mail"), lambda p: p.email),
        Column(_("Contact préféré"), _display("preferred_channel")),
        Column(_("Commune"), _commune),
        Column(_("Foyer"), _display("household")),
        Column(_("Logement"), _display("housing")),
        Column(_("Activité principale"), _display("main_activity")),
        Column(_("Ressources"), _display("resources")),
        Column(_("Statut"), _display("status")),
        Column(_("Entrée"), lambda p: p.entry_date),
        Column(_("Sortie"), lambda p: p.exit_date),
        Column(_("Motif de sortie"), _display("exit_reason")),
        Column(_("Dernier contact"), lambda p: p.last_contact_on),
        Column(_("Accompagnateur·rice principal·e"), lambda p: p.primary_accompanier),
    ]


# Sessions: one row per person and session, so that only the people the user follows appear
# (a collective session also has participants followed by others).


def _participations(user):
    return (
        Participation.objects.filter(visible_files_filter(user, "beneficiary"))
        .select_related("session__accompanier", "beneficiary")
        .order_by("session__starts_at", "session_id", "pk")
    )


def _session_columns(options):
    return [
        Column(_("N° de séance"), lambda p: p.session_id),
        Column(_("Date et heure"), lambda p: p.session.starts_at),
        Column(_("Durée (minutes)"), lambda p: p.session.duration_minutes),
        Column(_("Type"), lambda p: p.session.get_kind_display()),
        Column(_("Modalité"), lambda p: p.session.get_modality_display()),
        Column(_("Statut"), lambda p: p.session.get_status_display()),
        Column(_("Accompagnateur·rice"), lambda p: str(p.session.accompanier)),
        *_file_columns("beneficiary"),
        Column(_("Présence"), _display("attendance")),
    ]


def _referrals(user):
    return (
        Referral.objects.visible_to(user)
        .select_related("beneficiary", "partner", "theme")
        .order_by("sent_at", "pk")
    )


def _referral_columns(options):
    return [
        Column(_("N° d'orientation"), lambda r: r.pk),
        Column(_("Sens"), _display("direction")),
        Column(_("Envoyée le"), lambda r: r.sent_at),
        *_file_columns("beneficiary"),
        Column(_("Partenaire"), lambda r: r.partner.name),
        Column(_("Besoin"), lambda r: str(r.theme) if r.theme_id else ""),
        Column(_("Statut"), _display("status")),
        Column(_("Réponse le"), lambda r: r.answered_at),
        Column(_("Close le"), lambda r: r.closed_at),
    ]


def _supports(user):
    return (
        Support.objects.visible_to(user)
        .select_related("beneficiary", "partner")
        .order_by("given_on", "pk")
    )


def _support_columns(options):
    return [
        Column(_("N° d'aide"), lambda s: s.pk),
        Column(_("Date"), lambda s: s.given_on),
        *_file_columns("beneficiary"),
        Column(_("Type d'aide"), _display("kind")),
        Column(_("Euros convertis en Doume"), lambda s: s.euros_converted),
        Column(_("Taux du bonus (%)"), lambda s: s.bonus_rate),
        Column(_("Bonus solidaire (€)"), lambda s: s.bonus_amount),
        Column(_("Montant (€)"), lambda s: s.amount),
        Column(_("Fournie par"), lambda s: s.partner.name if s.partner_id else ""),
        Column(_("Précision"), lambda s: s.description),
    ]


def _assessments(model):
    def rows(user):
        return (
            model.objects.visible_to(user)
            .select_related("beneficiary", "recorded_by")
            .order_by("beneficiary_id", "taken_on", "pk")
        )

    return rows


def _assessment_columns():
    return [
        *_file_columns("beneficiary"),
        Column(_("Date"), lambda a: a.taken_on),
        Column(_("Moment"), _display("moment")),
    ]


def _fies_columns(options):
    return [
        *_assessment_columns(),
        *(
            Column(f"Q{number}", lambda a, name=name: getattr(a, name))
            for number, (name, _label) in enumerate(FIES_QUESTIONS, start=1)
        ),
        Column(_("Score brut (0 à 8)"), lambda a: a.raw_score),
        Column(_("Niveau"), lambda a: a.band.label),
        Column(_("Enregistré par"), lambda a: str(a.recorded_by)),
    ]


def _check_in_columns(options):
    return [
        *_assessment_columns(),
        *(
            Column(question.label, lambda a, q=question: a.answer_label(q))
            for question in PRACTICE_QUESTIONS
        ),
        Column(_("Rempli par la personne"), lambda a: a.is_filled_by_person),
    ]


def _research_kind():
    # Imported here: research.py builds on the helpers above.
    from accompaniment.reporting import research

    return ExportKind(
        "recherche",
        _("Données pour la recherche"),
        _(
            "Les personnes qui ont accepté l'utilisation de leurs données pour la recherche, "
            "sans nom, contact ni texte libre, sous un pseudonyme propre à chaque export."
        ),
        research.research_rows,
        research.research_columns,
        coordinators_only=True,
    )


KINDS = {
    kind.slug: kind
    for kind in [
        ExportKind(
            "beneficiaires",
            _("Bénéficiaires"),
            _("Un dossier par ligne : identité, contact, situation, statut."),
            _files,
            _file_export_columns,
        ),
        ExportKind(
            "seances",
            _("Séances"),
            _("Une ligne par personne et par séance, avec sa présence."),
            _participations,
            _session_columns,
        ),
        ExportKind(
            "orientations",
            _("Orientations"),
            _("Les orientations vers les partenaires (et depuis eux), sans les messages."),
            _referrals,
            _referral_columns,
        ),
        ExportKind(
            "aides",
            _("Aides"),
            _("Bonus Doume, colis, bons d'achat, ingrédients d'atelier."),
            _supports,
            _support_columns,
        ),
        ExportKind(
            "fies",
            _("Questionnaires FIES"),
            _("Les réponses aux huit questions (Q1 à Q8), le score et le niveau."),
            _assessments(FoodInsecurityAssessment),
            _fies_columns,
        ),
        ExportKind(
            "habitudes",
            _("Points sur les habitudes alimentaires"),
            _("Les réponses aux six questions du point sur les habitudes."),
            _assessments(PracticesCheckIn),
            _check_in_columns,
        ),
        _research_kind(),
    ]
}


def kinds_for(user) -> list[ExportKind]:
    return [kind for kind in KINDS.values() if user.is_coordinator or not kind.coordinators_only]


# Writing ----------------------------------------------------------------------------------


def _columns_of(export: DataExport) -> list[Column]:
    kind = KINDS[export.kind]
    # A fresh random key per export for research pseudonyms, never stored.
    return kind.columns({"salt": os.urandom(32)})


def _sheet(export, rows):
    return [(KINDS[export.kind].label, _columns_of(export), rows)]


def _rows_of(export: DataExport):
    return KINDS[export.kind].rows(export.requested_by)


@transaction.atomic
def start_export(*, kind: ExportKind, file_format: str, user, partner=None) -> DataExport:
    """Journals the export; one over the threshold is queued for a worker."""
    count = kind.rows(user).count()
    export = DataExport.objects.create(
        kind=kind.slug,
        file_format=file_format,
        requested_by=user,
        row_count=count,
        is_background=count > settings.EXPORT_BACKGROUND_FROM_ROWS,
        partner=partner,
        agreement_date=partner.agreement_date if partner else None,
    )
    if partner:
        research = {"partner": partner.name, "agreement": iso(partner.agreement_date)}
        event = "export.research"
    else:
        research, event = {}, "export.made"
    record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        target=export,
        event=event,
        export=kind.slug,
        format=file_format,
        count=count,
        **research,
    )
    if export.is_background:
        from accompaniment.tasks import run_export

        run_export.delay_on_commit(export.pk)
    return export


def export_response(export: DataExport) -> HttpResponse:
    """A small export, sent at once (a CSV streamed row by row)."""
    rows = _rows_of(export).iterator(chunk_size=CHUNK_SIZE)
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExport.Status.DONE, rows_written=F("row_count"), finished_at=timezone.now()
    )
    if export.file_format == DataExport.Format.CSV:
        return exports.csv_response(export.filename, _columns_of(export), rows)
    return exports.xlsx_response(export.filename, _sheet(export, rows))


def _counting(rows: Iterable, export: DataExport) -> Iterator:
    """The rows, telling the export's page how far the worker is."""
    written = 0
    for written, row in enumerate(rows, start=1):  # noqa: B007 - read after the loop
        yield row
        if written % PROGRESS_EVERY_ROWS == 0:
            # Rows added since the count must not push the bar past 100 %.
            DataExport.objects.filter(pk=export.pk).update(
                rows_written=Least(Value(written), F("row_count"))
            )


def run_export(export_id: int) -> None:
    """Writes a queued export to its file. Claimed with a conditional update, so that a task
    delivered twice writes it once."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.RUNNING
    )
    if not claimed:
        return
    export = DataExport.objects.select_related("requested_by").get(pk=export_id)
    settings.EXPORTS_DIR.mkdir(parents=True, exist_ok=True)
    partial = export.path.with_suffix(".partial")
    try:
        rows = _counting(_rows_of(export).iterator(chunk_size=CHUNK_SIZE), export)
        if export.file_format == DataExport.Format.CSV:
            with partial.open("w", encoding="utf-8", newline="") as file:
                file.writelines(exports.csv_lines(_columns_of(export), rows))
        else:
            with partial.open("wb") as file:
                exports.write_xlsx(file, _sheet(export, rows))
        partial.replace(export.path)
    except Exception as error:
        logger.exception("export %s failed", export_id)
        partial.unlink(missing_ok=True)
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, error=str(error)[:200], finished_at=timezone.now()
        )
        return
    DataExport.objects.filter(pk=export_id).update(
        status=DataExport.Status.DONE, rows_written=F("row_count"), finished_at=timezone.now()
    )


# Download links ---------------------------------------------------------------------------


def link_expires_at(export: DataExport) -> datetime.datetime | None:
    if export.finished_at is None:
        return None
    return export.finished_at + datetime.timedelta(hours=settings.EXPORT_LINK_HOURS)


def is_downloadable(export: DataExport, now=None) -> bool:
    expires_at = link_expires_at(export)
    return (
        export.status == DataExport.Status.DONE
        and export.is_background
        and expires_at is not None
        and (now or timezone.now()) < expires_at
        and export.path.exists()
    )


def download_token(export: DataExport) -> str:
    """A link only the person who asked can use (the signature binds the export to them)."""
    return signing.dumps({"export": export.pk, "user": export.requested_by_id}, salt=DOWNLOAD_SALT)


def export_for_token(token: str, user) -> int | None:
    """The export a token names if it was made for ``user``, else None."""
    try:
        payload = signing.loads(token, salt=DOWNLOAD_SALT)
    except signing.BadSignature:
        return None
    if payload.get("user") != user.pk:
        return None
    return payload.get("export")


def purge_expired_exports(now=None) -> int:
    """Deletes the files whose link expired (the journal rows stay). Returns how many."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(hours=settings.EXPORT_LINK_HOURS)
    purged = 0
    for export in DataExport.objects.filter(
        is_background=True, status=DataExport.Status.DONE, finished_at__lt=limit
    ).iterator():
        if export.path.exists():
            export.path.unlink()
            purged += 1
    return purged
