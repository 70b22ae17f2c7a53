"""The person's own access log ("Qui voit mon dossier"): the journal's entries about their
file, by staff, in plain words. Only the entries about that one file are read; staff details
(e-mail addresses, ids) in the journal's ``detail`` never reach the page."""

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from partners.models import Partner
from soli_dome.audit.models import AuditEntry
from soli_dome.users.models import User

# The journal's details start with a word saying what part of the file was touched.
_READS = {
    "history": lambda: _("a regardé l'historique de votre accompagnement"),
    "sessions": lambda: _("a regardé la liste de vos rendez-vous"),
    "read": lambda: _("a lu un rendez-vous"),
    "referral": lambda: _("a lu une orientation vers un partenaire"),
    "reminders": lambda: _("a regardé les rappels qui vous sont envoyés"),
    "outbox": lambda: _("a regardé les messages qui vous sont envoyés"),
}
_CHANGES = {
    "status": lambda: _("a changé l'état de votre accompagnement"),
    "consents": lambda: _("a noté vos accords"),
    "assignment": lambda: _("a changé qui vous suit"),
    "unassignment": lambda: _("a changé qui vous suit"),
    "plan": lambda: _("a changé votre parcours"),
    "support": lambda: _("a noté une aide"),
    "supports": lambda: _("a noté une aide"),
    "session": lambda: _("a noté un rendez-vous"),
    "workshop": lambda: _("a changé votre inscription à un atelier"),
    "contact": lambda: _("a traité votre demande de nouvelles coordonnées"),
    "deletion": lambda: _("a traité votre demande d'effacement"),
    "access": lambda: _("a traité votre demande de copie"),
    "preferences": lambda: _("a changé vos choix de rappels"),
    "reminders": lambda: _("a changé vos rappels"),
    "portal": lambda: _("a préparé votre espace personnel"),
    "referral": lambda: _("a noté une orientation vers un partenaire"),
    "note": lambda: _("a écrit une note de travail"),
    "referred": lambda: _("a noté qu'un partenaire vous a orienté vers Soli'dôme"),
}


@dataclass(frozen=True)
class AccessLine:
    at: object
    who: str
    what: str


def _first_word(detail: str) -> str:
    word = detail.split(" ", 1)[0].split(":", 1)[0].split("#", 1)[0]
    return word.strip().lower()


PARTNER_IN_DETAIL = re.compile(r"partner #(\d+)")


def describe(entry: AuditEntry, partners: dict[int, str] | None = None) -> str:
    """What the staff member did, in one short sentence end. ``partners`` (id → name) names
    the partner a referral was sent to."""
    word = _first_word(entry.detail)
    sent_to = PARTNER_IN_DETAIL.search(entry.detail)
    if entry.action == AuditEntry.Action.UPDATE and word == "referral" and sent_to:
        name = (partners or {}).get(int(sent_to.group(1)))
        if name:
            return _("a envoyé des informations sur vous à %(partner)s") % {"partner": name}
        return _("a envoyé des informations sur vous à un partenaire")
    if entry.action == AuditEntry.Action.READ:
        return _READS.get(word, lambda: _("a ouvert votre dossier"))()
    if entry.action == AuditEntry.Action.CREATE:
        return _("a créé votre dossier")
    if entry.action == AuditEntry.Action.EXPORT:
        return _("a exporté des informations de votre dossier")
    return _CHANGES.get(word, lambda: _("a changé votre dossier"))()


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
    """The entries in plain words; the partners they name are read in one query."""
    entries = list(entries)
    ids = {
        int(found.group(1))
        for entry in entries
        if (found := PARTNER_IN_DETAIL.search(entry.detail))
    }
    partners = dict(Partner.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [
        AccessLine(
            at=timezone.localtime(entry.at), who=who(entry.actor), what=describe(entry, partners)
        )
        for entry in entries
    ]
