"""The research export, for a partner who studies the programme under an agreement.

Only people who consented to research use. No name, contact, free text or exact date that
could single someone out: the birth year, entry and exit months, the commune, the situation,
counts of sessions and supports, and the questionnaires' answers. Each person appears under a
pseudonym: an HMAC of their file number with a random key drawn for this export and never
stored, so it is stable inside one export and different in the next (two exports cannot be
joined)."""

import hashlib
import hmac

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accompaniment.models import (
    FoodInsecurityAssessment,
    Moment,
    Participation,
    PracticesCheckIn,
    Session,
    Support,
)
from accompaniment.models.assessments import PRACTICE_QUESTIONS, fies_band
from beneficiaries.models import Beneficiary, Consent
from soli_dome.exports import Column

PSEUDONYM_LENGTH = 16


def pseudonym(salt: bytes, beneficiary_pk: int) -> str:
    digest = hmac.new(salt, str(beneficiary_pk).encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:PSEUDONYM_LENGTH]}"


def _value_at(model, moment, field):
    return Subquery(
        model.objects.filter(beneficiary=OuterRef("pk"), moment=moment).values(field)[:1]
    )


def _count(queryset, field="pk"):
    counted = queryset.order_by().values("beneficiary").annotate(n=Count(field)).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def research_rows(user):
    """The files of people who gave the research consent (a coordinator's export: the whole
    programme, still through ``visible_to``)."""
    consented = Consent.objects.filter(
        beneficiary=OuterRef("pk"), kind=Consent.Kind.RESEARCH, is_given=True
    )
    held = Participation.objects.filter(
        beneficiary=OuterRef("pk"), session__status=Session.Status.HELD
    )
    supports = Support.objects.filter(beneficiary=OuterRef("pk"))
    bonus = supports.order_by().values("beneficiary").annotate(total=Sum("bonus_amount"))
    answers = {
        f"{moment}_{question.field}": _value_at(PracticesCheckIn, moment, question.field)
        for moment in (Moment.ENTRY, Moment.EXIT)
        for question in PRACTICE_QUESTIONS
    }
    return (
        Beneficiary.objects.visible_to(user)
        .filter(Exists(consented))
        .select_related("commune")
        .annotate(
            sessions_held=_count(held),
            supports_count=_count(supports),
            doume_bonus=Subquery(bonus.values("total")[:1]),
            fies_entry=_value_at(FoodInsecurityAssessment, Moment.ENTRY, "raw_score"),
            fies_exit=_value_at(FoodInsecurityAssessment, Moment.EXIT, "raw_score"),
            **answers,
        )
        .order_by("pk")
    )


def _month(date):
    return date.strftime("%Y-%m") if date else None


def _band(score):
    return fies_band(score).label if score is not None else None


def _display(name):
    return lambda person: getattr(person, f"get_{name}_display")()


def research_columns(options: dict) -> list[Column]:
    salt = options["salt"]
    return [
        Column(_("Pseudonyme"), lambda p: pseudonym(salt, p.pk)),
        Column(_("Année de naissance"), lambda p: p.birth_date.year),
        Column(_("Public"), lambda p: p.get_public_display()),
        Column(_("Genre"), _display("gender")),
        Column(_("Commune"), lambda p: p.commune.name if p.commune_id else _("Hors métropole")),
        Column(_("Code INSEE"), lambda p: p.commune.insee_code if p.commune_id else ""),
        Column(_("Foyer"), _display("household")),
        Column(_("Logement"), _display("housing")),
        Column(_("Activité principale"), _display("main_activity")),
        Column(_("Ressources"), _display("resources")),
        Column(_("Statut"), _display("status")),
        Column(_("Mois d'entrée"), lambda p: _month(p.entry_date)),
        Column(_("Mois de sortie"), lambda p: _month(p.exit_date)),
        Column(_("Motif de sortie"), _display("exit_reason")),
        Column(_("Séances réalisées"), lambda p: p.sessions_held),
        Column(_("Aides reçues"), lambda p: p.supports_count),
        Column(_("Bonus Doume reçu (€)"), lambda p: p.doume_bonus),
        Column(_("Score FIES à l'entrée"), lambda p: p.fies_entry),
        Column(_("Niveau FIES à l'entrée"), lambda p: _band(p.fies_entry)),
        Column(_("Score FIES à la sortie"), lambda p: p.fies_exit),
        Column(_("Niveau FIES à la sortie"), lambda p: _band(p.fies_exit)),
        *(
            Column(
                f"{question.label} ({moment.label})",
                lambda p, key=f"{moment}_{question.field}": getattr(p, key),
            )
            for question in PRACTICE_QUESTIONS
            for moment in (Moment.ENTRY, Moment.EXIT)
        ),
    ]
