"""The person's own access log ("Qui voit mon dossier"): the journal's entries about their
file, by staff, in plain words. Only the entries about that one file are read; the journal's
technical details (parameters, old notes) never reach the page, except the name of the partner
something was sent to."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from soli_dome.audit.events import event_of
from soli_dome.audit.models import AuditEntry
from soli_dome.users.models import User

# What a read was about, by event code; any other read "opened your file".
_READS = {
    "file.timeline_read": lambda: _("a regardé l'historique de votre accompagnement"),
    "file.sessions_read": lambda: _("a regardé la liste de vos rendez-vous"),
    "session.read": lambda: _("a lu un rendez-vous"),
    "session.form_opened": lambda: _("a lu un rendez-vous"),
    "file.plan_read": lambda: _("a regardé votre parcours"),
    "file.plan_printed": lambda: _("a imprimé votre parcours"),
    "referral.read": lambda: _("a lu une orientation vers un partenaire"),
    "file.reminders_read": lambda: _("a regardé les rappels qui vous sont envoyés"),
    "file.outbox_read": lambda: _("a regardé les messages qui vous sont envoyés"),
    "file.outcomes_read": lambda: _("a regardé vos questionnaires"),
    "file.assessment_form_opened": lambda: _("a regardé vos questionnaires"),
}
# What a change was about, by the event code's first part or by the whole code.
_CHANGES = {
    "file.created": lambda: _("a créé votre dossier"),
    "file.status_changed": lambda: _("a changé l'état de votre accompagnement"),
    "file.closed": lambda: _("a changé l'état de votre accompagnement"),
    "file.consents_recorded": lambda: _("a noté vos accords"),
    "file.assigned": lambda: _("a changé qui vous suit"),
    "file.assigned_primary": lambda: _("a changé qui vous suit"),
    "file.unassigned": lambda: _("a changé qui vous suit"),
    "file.preferences_changed": lambda: _("a changé vos choix de rappels"),
    "file.reminders_paused": lambda: _("a changé vos rappels"),
    "file.reminders_resumed": lambda: _("a changé vos rappels"),
    "file.note_added": lambda: _("a écrit une note de travail"),
    "file.contact_noted": lambda: _("a écrit une note de travail"),
    "file.anonymised": lambda: _("a effacé les informations qui vous nomment"),
    "file.anonymised_at_retention_end": lambda: _("a effacé les informations qui vous nomment"),
    "plan": lambda: _("a changé votre parcours"),
    "assessment": lambda: _("a noté vos réponses à un questionnaire"),
    "support": lambda: _("a noté une aide"),
    "session": lambda: _("a noté un rendez-vous"),
    "workshop": lambda: _("a changé votre inscription à un atelier"),
    "contact_change": lambda: _("a traité votre demande de nouvelles coordonnées"),
    "deletion": lambda: _("a traité votre demande d'effacement"),
    "access": lambda: _("a traité votre demande de copie"),
    "portal": lambda: _("a préparé votre espace personnel"),
    "referral.received": lambda: _("a noté qu'un partenaire vous a orienté vers Soli'dôme"),
}
_SENT = ("referral.sent", "referral.sent_without_consent")


@dataclass(frozen=True)
class AccessLine:
    at: object
    who: str
    what: str


def describe(entry: AuditEntry) -> str:
    """What the staff member did, as the end of a short sentence."""
    code, params = event_of(entry)
    if code in _SENT:
        if params.get("partner"):
            return _("a envoyé des informations sur vous à %(partner)s") % {
                "partner": params["partner"]
            }
        return _("a envoyé des informations sur vous à un partenaire")
    if entry.action == AuditEntry.Action.READ:
        return _READS.get(code, lambda: _("a ouvert votre dossier"))()
    if entry.action == AuditEntry.Action.EXPORT:
        return _("a exporté des informations de votre dossier")
    if entry.action == AuditEntry.Action.CREATE and not code:
        return _("a créé votre dossier")
    said = _CHANGES.get(code) or _CHANGES.get(code.split(".", 1)[0])
    return said() if said else _("a changé votre dossier")


def who(user: User | None) -> str:
    """Role and first name: never the last name or the e-mail of staff."""
    if user is None:
        return _("Soli'dôme (automatique)")
    first_name = user.first_name or _("Une personne")
    if user.role == User.Role.COORDINATOR:
        return _("%(name)s, de la coordination") % {"name": first_name}
    if user.role == User.Role.ACCOMPANIER:
        return _("%(name)s, de l'équipe d'accompagnement") % {"name": first_name}
    return _("%(name)s, de l'équipe technique") % {"name": first_name}


def entries_about(beneficiary: Beneficiary) -> QuerySet[AuditEntry]:
    """The journal's entries about this file by anyone but the person themselves."""
    entries = AuditEntry.objects.about(beneficiary)
    if beneficiary.user_id:
        entries = entries.exclude(actor_id=beneficiary.user_id)
    return entries.order_by("-at", "-pk")


def lines(entries) -> list[AccessLine]:
    """The entries in plain words."""
    return [
        AccessLine(at=timezone.localtime(entry.at), who=who(entry.actor), what=describe(entry))
        for entry in entries
    ]
