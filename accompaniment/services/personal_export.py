"""The person's own data as a ZIP archive: the whole file as JSON, each list as a CSV table that
a spreadsheet opens (through the shared writer, so no text runs as a formula), and a short
"read me" that says what is not in it and how to ask for it."""

import io
import json
import zipfile
from operator import itemgetter

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from soli_dome import exports

# (file name, section of ``personal_data``, {key: header}) — one CSV per list.
TABLES = [
    (
        "rendez-vous.csv",
        "sessions",
        {
            "date": _("Date"),
            "status": _("État"),
            "attendance": _("Présence"),
            "modality": _("Comment"),
            "place": _("Lieu"),
            "with": _("Avec"),
            "summary": _("Compte rendu"),
        },
    ),
    (
        "messages.csv",
        "messages",
        {
            "date": _("Date"),
            "kind": _("Type"),
            "channel": _("Canal"),
            "status": _("État"),
            "to": _("Envoyé à"),
            "subject": _("Objet"),
            "text": _("Message"),
        },
    ),
    (
        "qui-a-vu-mon-dossier.csv",
        "access_log",
        {"date": _("Date"), "who": _("Qui"), "what": _("Quoi")},
    ),
    (
        "orientations.csv",
        "referrals",
        {
            "sent_at": _("Date"),
            "direction": _("Sens"),
            "partner": _("Partenaire"),
            "need": _("Besoin"),
            "status": _("État"),
            "message": _("Message au partenaire"),
            "partner_answer": _("Réponse du partenaire"),
            "refusal_reason": _("Motif du refus"),
            "sent_without_consent_because": _("Envoyée sans accord, parce que"),
        },
    ),
    (
        "aides.csv",
        "supports",
        {
            "given_on": _("Date"),
            "support": _("Aide"),
            "amount": _("Montant (€)"),
            "euros_converted": _("Euros convertis en Doume"),
            "bonus_rate": _("Taux du bonus (%)"),
            "bonus_amount": _("Bonus (€)"),
            "provided_by": _("Donnée par"),
            "description": _("Précision"),
        },
    ),
    (
        "ateliers.csv",
        "workshops",
        {"date": _("Date"), "workshop": _("Atelier"), "status": _("Inscription")},
    ),
    (
        "questionnaires.csv",
        "questionnaires",
        {
            "date": _("Date"),
            "questionnaire": _("Questionnaire"),
            "moment": _("Moment"),
            "result": _("Résultat"),
        },
    ),
    (
        "accords.csv",
        "consents",
        {"consent": _("Accord"), "given": _("Donné"), "recorded_on": _("Depuis le")},
    ),
]


def _plan_rows(plan: list[dict]) -> list[dict]:
    """One row per step, its goal repeated; a goal without steps has one row of its own."""
    rows = []
    for goal in plan:
        steps = goal["steps"] or [{}]
        rows += [{**goal, **step} for step in steps]
    return rows


PLAN_HEADERS = {
    "goal": _("Objectif"),
    "theme": _("Thème"),
    "status": _("État"),
    "target_date": _("Pour le"),
    "step": _("Action"),
    "who": _("Qui la fait"),
    "due_date": _("Action pour le"),
    "done_on": _("Faite le"),
}


def _columns(headers: dict) -> list[exports.Column]:
    return [exports.Column(header, _getter(key)) for key, header in headers.items()]


def _getter(key: str):
    get = itemgetter(key)
    return lambda row: get(row) if key in row else None


def zip_bytes(data: dict) -> bytes:
    """The archive of ``data`` (``portal.personal_data``) as bytes: a person's file is small."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mes-donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for filename, section, headers in TABLES:
            archive.writestr(filename, exports.csv_bytes(_columns(headers), data[section]))
        archive.writestr(
            "parcours.csv", exports.csv_bytes(_columns(PLAN_HEADERS), _plan_rows(data["plan"]))
        )
        archive.writestr("LISEZ-MOI.txt", render_to_string("accompaniment/data_readme.txt"))
    return buffer.getvalue()
