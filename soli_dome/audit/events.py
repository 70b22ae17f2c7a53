"""What a journal entry says happened, as a sentence in the reader's language.

An entry stores an event code and parameters: names (a partner's, a workshop's: what the
journal must keep even if they change later), dates, and codes (field names, statuses,
consent kinds). Codes are turned into their labels here, when the journal is read, so that an
entry reads in French in the French interface and in English in the English one, whenever it
was written.

To journal something new, add its code here with its sentence, then call
``record(..., event="code", param=value)``.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Renderer = Callable[[object], str]


def fields_of(model_label: str) -> Renderer:
    """Field names as the form labels them ("téléphone, commune")."""

    def render(names) -> str:
        model = apps.get_model(model_label)
        labels = []
        for name in names or []:
            try:
                labels.append(str(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                labels.append(name)
        return ", ".join(labels) or gettext("aucun champ")

    return render


def choice_of(model_label: str, field_name: str) -> Renderer:
    """A choice's code as its label ("held" → "Tenue")."""

    def render(code) -> str:
        choices = dict(apps.get_model(model_label)._meta.get_field(field_name).flatchoices)
        return str(choices.get(code, code)).lower()

    return render


def day(value) -> str:
    parsed = parse_date(value) if isinstance(value, str) else value
    return formats.date_format(parsed, "DATE_FORMAT") if parsed else str(value)


def moment(value) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        return str(value)
    from django.utils import timezone

    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return formats.date_format(parsed, "DATETIME_FORMAT")


def _answer(given) -> str:
    if given is None:
        return gettext("effacé")
    return gettext("oui") if given else gettext("non")


def consents(answers) -> str:
    labels = dict(apps.get_model("beneficiaries", "Consent")._meta.get_field("kind").flatchoices)
    return ", ".join(
        f"{str(labels.get(kind, kind)).lower()} : {_answer(given)}"
        for kind, given in sorted((answers or {}).items())
    )


def questionnaire(model_name) -> str:
    """A questionnaire's model name as its name ("FoodInsecurityAssessment" → "échelle…")."""
    try:
        return str(apps.get_model("accompaniment", model_name)._meta.verbose_name)
    except LookupError:
        return str(model_name)


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """A date or a moment as journal parameters keep it."""
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Event:
    sentence: Promise
    render: dict[str, Renderer] = field(default_factory=dict)


STATUS_ACTIONS = {
    "activate": _("accompagnement en cours"),
    "pause": _("en pause"),
    "reopen": _("réouverture"),
    "close": _("clôture"),
}

EVENTS: dict[str, Event] = {
    # Reads of a file.
    "file.read": Event(_("Consultation du dossier")),
    "file.edit_opened": Event(_("Ouverture du formulaire de modification du dossier")),
    "file.consents_opened": Event(_("Ouverture du formulaire des consentements")),
    "file.closing_opened": Event(_("Ouverture du formulaire de clôture")),
    "file.sessions_read": Event(_("Consultation des séances du dossier")),
    "file.plan_read": Event(_("Consultation du plan d'accompagnement")),
    "file.plan_printed": Event(_("Impression du plan d'accompagnement")),
    "file.timeline_read": Event(_("Consultation de l'historique du dossier")),
    "file.journal_read": Event(_("Consultation du journal des accès du dossier")),
    "file.assignments_opened": Event(_("Ouverture de la page du suivi du dossier")),
    "file.note_form_opened": Event(_("Ouverture du formulaire d'une note")),
    "file.session_form_opened": Event(_("Ouverture du formulaire d'une nouvelle séance")),
    "file.plan_form_opened": Event(_("Ouverture d'un formulaire du plan (objectif ou action)")),
    "file.supports_read": Event(_("Consultation des aides reçues")),
    "file.support_form_opened": Event(_("Ouverture du formulaire d'une aide")),
    "file.reminders_read": Event(_("Consultation des rappels de la personne")),
    "file.outbox_read": Event(_("Consultation de ses messages dans la boîte d'envoi")),
    "file.referral_form_opened": Event(_("Ouverture du formulaire d'orientation")),
    "session.read": Event(_("Consultation de la séance du %(start)s"), {"start": moment}),
    "session.form_opened": Event(
        _("Ouverture du formulaire de la séance du %(start)s"), {"start": moment}
    ),
    "file.outcomes_read": Event(_("Consultation des questionnaires de la personne")),
    "file.assessment_form_opened": Event(_("Ouverture du formulaire d'un questionnaire")),
    "referral.read": Event(_("Consultation de l'orientation vers %(partner)s")),
    "admin.read": Event(_("Consultation dans l'administration technique")),
    # Changes to a file.
    "file.created": Event(_("Création du dossier")),
    "file.updated": Event(
        _("Modification du dossier : %(fields)s"),
        {"fields": fields_of("beneficiaries.Beneficiary")},
    ),
    "file.status_changed": Event(
        _("Changement de statut : %(status)s"),
        {"status": lambda code: str(STATUS_ACTIONS.get(code, code))},
    ),
    "file.closed": Event(_("Clôture de l'accompagnement, avec le bilan de sortie")),
    "file.assigned": Event(_("Suivi confié à %(accompanier)s")),
    "file.assigned_primary": Event(_("Suivi principal confié à %(accompanier)s")),
    "file.unassigned": Event(_("Fin du suivi par %(accompanier)s")),
    "file.consents_recorded": Event(
        _("Consentements enregistrés : %(answers)s"), {"answers": consents}
    ),
    "file.consent_withdrawn": Event(
        _("Retrait par la personne du consentement : %(kind)s"),
        {"kind": choice_of("beneficiaries.Consent", "kind")},
    ),
    "file.consent_given_back": Event(
        _("La personne a redonné le consentement : %(kind)s"),
        {"kind": choice_of("beneficiaries.Consent", "kind")},
    ),
    "file.preferences_changed": Event(
        _("Modification des préférences de rappel : %(fields)s"),
        {"fields": fields_of("beneficiaries.Beneficiary")},
    ),
    "file.reminders_paused": Event(_("Rappels suspendus jusqu'au %(until)s"), {"until": day}),
    "file.reminders_resumed": Event(_("Reprise des rappels")),
    "file.note_added": Event(_("Note ajoutée au dossier")),
    "file.contact_noted": Event(_("Contact avec la personne noté au dossier")),
    "admin.changed": Event(_("Modification dans l'administration technique")),
    "portal.invited": Event(_("Invitation à l'espace personnel envoyée")),
    "portal.joined": Event(_("Première connexion de la personne à son espace personnel")),
    "contact_change.requested": Event(_("Demande de changement de coordonnées par la personne")),
    "contact_change.decided": Event(
        _("Demande de changement de coordonnées : %(status)s"),
        {"status": choice_of("beneficiaries.ContactChangeRequest", "status")},
    ),
    "deletion.requested": Event(_("Demande d'effacement des données par la personne")),
    "deletion.handled": Event(_("Demande d'effacement des données traitée")),
    "access.requested": Event(_("Demande de copie complète du dossier par la personne")),
    "access.handled": Event(_("Demande de copie complète du dossier traitée")),
    "file.anonymised": Event(_("Dossier anonymisé (motif : %(reason)s)")),
    "file.anonymised_at_retention_end": Event(
        _("Dossier anonymisé à la fin de sa durée de conservation (deux ans sans contact)")
    ),
    "plan.goal_added": Event(_("Objectif ajouté au plan : « %(goal)s »")),
    "plan.goal_changed": Event(
        _("Objectif « %(goal)s » modifié : %(fields)s"), {"fields": fields_of("accompaniment.Goal")}
    ),
    "plan.goal_status": Event(
        _("Objectif « %(goal)s » : %(status)s"),
        {"status": choice_of("accompaniment.Goal", "status")},
    ),
    "plan.goal_moved": Event(_("Objectif « %(goal)s » déplacé dans le plan")),
    "plan.step_added": Event(_("Action ajoutée à l'objectif « %(goal)s » : « %(step)s »")),
    "plan.step_changed": Event(
        _("Action « %(step)s » modifiée : %(fields)s"), {"fields": fields_of("accompaniment.Step")}
    ),
    "plan.step_done": Event(_("Action « %(step)s » faite")),
    "plan.step_to_do": Event(_("Action « %(step)s » de nouveau à faire")),
    "plan.step_deleted": Event(_("Action « %(step)s » supprimée")),
    "plan.step_moved": Event(_("Action « %(step)s » déplacée dans le plan")),
    "support.added": Event(
        _("Aide ajoutée : %(kind)s"), {"kind": choice_of("accompaniment.Support", "kind")}
    ),
    "support.changed": Event(
        _("Aide modifiée (%(kind)s) : %(fields)s"),
        {
            "kind": choice_of("accompaniment.Support", "kind"),
            "fields": fields_of("accompaniment.Support"),
        },
    ),
    "support.deleted": Event(
        _("Aide supprimée : %(kind)s"), {"kind": choice_of("accompaniment.Support", "kind")}
    ),
    "session.scheduled": Event(_("Séance du %(start)s planifiée"), {"start": moment}),
    "session.held": Event(_("Séance du %(start)s notée comme tenue"), {"start": moment}),
    "session.updated": Event(
        _("Séance du %(start)s modifiée : %(fields)s"),
        {"start": moment, "fields": fields_of("accompaniment.Session")},
    ),
    "session.cancelled": Event(_("Séance du %(start)s annulée"), {"start": moment}),
    "session.missed": Event(_("Séance du %(start)s notée comme manquée"), {"start": moment}),
    "referral.sent": Event(_("Orientation envoyée à %(partner)s")),
    "referral.sent_without_consent": Event(
        _("Orientation envoyée à %(partner)s sans le consentement enregistré (motif donné)")
    ),
    "referral.received": Event(_("Orientation reçue de %(partner)s")),
    "workshop.registration": Event(
        _("Atelier « %(workshop)s » : %(status)s"),
        {"status": choice_of("accompaniment.Registration", "status")},
    ),
    "workshop.promoted": Event(
        _("Atelier « %(workshop)s » : place obtenue depuis la liste d'attente")
    ),
    "workshop.registration_cancelled": Event(_("Atelier « %(workshop)s » : inscription annulée")),
    "workshop.attendance": Event(
        _("Atelier « %(workshop)s » : présence notée (%(attendance)s)"),
        {"attendance": choice_of("accompaniment.Participation", "attendance")},
    ),
    "workshop.steps_done": Event(
        _("Atelier « %(workshop)s » : actions du plan faites (%(count)s)")
    ),
    "assessment.added": Event(
        _("Questionnaire enregistré : %(questionnaire)s (%(moment)s)"),
        {
            "questionnaire": questionnaire,
            "moment": choice_of("accompaniment.PracticesCheckIn", "moment"),
        },
    ),
    "assessment.changed": Event(
        _("Questionnaire modifié : %(questionnaire)s (%(moment)s)"),
        {
            "questionnaire": questionnaire,
            "moment": choice_of("accompaniment.PracticesCheckIn", "moment"),
        },
    ),
    "assessment.filled_in_by_the_person": Event(
        _("Questionnaire rempli par la personne dans son espace : %(questionnaire)s"),
        {"questionnaire": questionnaire},
    ),
    # Exports of data (their own entries: an export names no file).
    "export.made": Event(_("Export « %(export)s » en %(format)s (lignes : %(count)s)")),
    "export.research": Event(
        _(
            "Export de recherche « %(export)s » en %(format)s (lignes : %(count)s), "
            "convention avec %(partner)s du %(agreement)s"
        ),
        {"agreement": day},
    ),
    # The journal itself.
    "journal.exported": Event(_("Export du journal (lignes exportées : %(count)s)")),
    "journal.purged": Event(
        _("Purge du journal : entrées de plus de %(months)s mois effacées (%(count)s)")
    ),
}


class _Params(dict):
    """An entry's parameters; one it lacks (an old entry's) reads as "not kept"."""

    def __missing__(self, name):
        return str(_NOT_KEPT.get(name, _NOT_KEPT["*"]))


_NOT_KEPT = {
    "*": _("(non conservé)"),
    "goal": _("(titre non conservé)"),
    "step": _("(titre non conservé)"),
    "workshop": _("(titre non conservé)"),
    "partner": _("un partenaire"),
    "start": _("(date non conservée)"),
    "until": _("(date non conservée)"),
    "fields": _("champs non précisés"),
}


def _sentence(code: str, params: dict) -> str:
    event = EVENTS[code]
    rendered = _Params(params)
    for name, render in event.render.items():
        if name in params:
            rendered[name] = render(params[name])
    return str(event.sentence) % rendered


def describe(entry) -> str:
    """The sentence of an entry, in the active language."""
    code, params = event_of(entry)
    if code:
        return _sentence(code, params)
    from .models import AuditEntry

    return str(dict(AuditEntry.Action.choices).get(entry.action, entry.action))


def event_of(entry) -> tuple[str, dict]:
    """The event code of an entry and its parameters; for an entry written before events, the
    ones its note meant. ("", {}) when nothing says what happened beyond the action."""
    if entry.event in EVENTS:
        return entry.event, dict(entry.params or {})
    return legacy_event(entry)


# Entries written before events: what their developer's note meant, by its shape.
LEGACY = [
    (re.compile(r"^$"), {"read": "file.read", "create": "file.created", "update": ""}),
    (re.compile(r"^sessions$"), "file.sessions_read"),
    (re.compile(r"^history$"), "file.timeline_read"),
    (re.compile(r"^reminders$"), "file.reminders_read"),
    (re.compile(r"^outbox$"), "file.outbox_read"),
    (re.compile(r"^reminders resumed$"), "file.reminders_resumed"),
    (re.compile(r"^reminders paused until (?P<until>[\d-]+)$"), "file.reminders_paused"),
    (re.compile(r"^status: (?P<status>\w+)$"), "file.status_changed"),
    (re.compile(r"^portal invite$"), "portal.invited"),
    (re.compile(r"^portal joined$"), "portal.joined"),
    (re.compile(r"^deletion asked$"), "deletion.requested"),
    (re.compile(r"^deletion request #\d+ handled$"), "deletion.handled"),
    (re.compile(r"^contact change #\d+ requested$"), "contact_change.requested"),
    (re.compile(r"^contact change #\d+ (?P<status>\w+)$"), "contact_change.decided"),
    (re.compile(r"^assignment: (?P<accompanier>\S+) \(primary\)$"), "file.assigned_primary"),
    (re.compile(r"^assignment: (?P<accompanier>\S+)$"), "file.assigned"),
    (re.compile(r"^unassignment: (?P<accompanier>\S+)$"), "file.unassigned"),
    (re.compile(r"^note added #\d+ \(contact\)$"), "file.contact_noted"),
    (re.compile(r"^note added #\d+$"), "file.note_added"),
    (re.compile(r"^support added #\d+ \((?P<kind>\w+)\)$"), "support.added"),
    (re.compile(r"^support #\d+ deleted \((?P<kind>\w+)\)$"), "support.deleted"),
    (
        re.compile(r"^referral #\d+ to partner #\d+ \(consent overridden\)$"),
        "referral.sent_without_consent",
    ),
    (re.compile(r"^referral #\d+ to partner #\d+$"), "referral.sent"),
    (re.compile(r"^referred in by partner #\d+$"), "referral.received"),
    (re.compile(r"^referral #\d+$"), "referral.read"),
    (re.compile(r"^session \d+: read$"), "session.read"),
    (re.compile(r"^session \d+: scheduled$"), "session.scheduled"),
    (re.compile(r"^session \d+: recorded as held$"), "session.held"),
    (re.compile(r"^session \d+: cancelled$"), "session.cancelled"),
    (re.compile(r"^session \d+: missed$"), "session.missed"),
    (re.compile(r"^session \d+: "), "session.updated"),
    (re.compile(r"^workshop \d+: promoted from the waiting list$"), "workshop.promoted"),
    (re.compile(r"^workshop \d+: cancelled$"), "workshop.registration_cancelled"),
    (re.compile(r"^workshop \d+: steps done"), "workshop.steps_done"),
    (
        re.compile(r"^workshop \d+: (?P<attendance>present|absent|excused|expected)$"),
        "workshop.attendance",
    ),
    (re.compile(r"^workshop \d+: (?P<status>\w+)$"), "workshop.registration"),
    (re.compile(r"^plan: goal added"), "plan.goal_added"),
    (re.compile(r"^plan: goal #\d+ changed"), "plan.goal_changed"),
    (re.compile(r"^plan: goal #\d+ moved"), "plan.goal_moved"),
    (re.compile(r"^plan: goal #\d+ (?P<status>\w+)$"), "plan.goal_status"),
    (re.compile(r"^plan: step added"), "plan.step_added"),
    (re.compile(r"^plan: step #\d+ changed"), "plan.step_changed"),
    (re.compile(r"^plan: step #\d+ done$"), "plan.step_done"),
    (re.compile(r"^plan: step #\d+ to do$"), "plan.step_to_do"),
    (re.compile(r"^plan: step #\d+ deleted \((?P<step>.*)\)$"), "plan.step_deleted"),
    (re.compile(r"^plan: step #\d+ moved"), "plan.step_moved"),
    (re.compile(r"^support #\d+ changed"), "support.changed"),
    (re.compile(r"^consents: "), "file.consents_recorded"),
    (re.compile(r"^preferences: "), "file.preferences_changed"),
]


def legacy_event(entry) -> tuple[str, dict]:
    """What the note of an entry written before events meant, by its shape."""
    detail = entry.detail or ""
    for pattern, code in LEGACY:
        match = pattern.search(detail)
        if not match:
            continue
        if isinstance(code, dict):
            code = code.get(entry.action, "")
        if code in EVENTS:
            return code, match.groupdict()
        break
    return "", {}
