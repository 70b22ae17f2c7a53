"""What the beneficiary portal shows: every read goes through ``visible_to(user)`` (a
beneficiary's user sees their own file only), and staff-private notes are never read here."""

import datetime
import math
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import (
    Goal,
    Participation,
    Referral,
    Registration,
    Session,
    Step,
    Support,
    Workshop,
)
from accompaniment.models.assessments import (
    PRACTICE_QUESTIONS,
    FoodInsecurityAssessment,
    PracticesCheckIn,
)
from accompaniment.services import access_log
from beneficiaries.models import Assignment, Beneficiary
from partners.models import Partner
from soli_dome.notifications.models import Notification
from soli_dome.sorting import Folded
from soli_dome.users.models import User

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Appointment:
    """A coming session or workshop, as the person sees it in "my appointments"."""

    kind: str  # "session" or "workshop"
    pk: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    with_whom: str
    is_waiting: bool = False

    @property
    def ics_url(self):
        return reverse("accompaniment:portal_appointment_ics", args=[self.kind, self.pk])


def _name(user):
    return user.get_full_name() or user.email


def upcoming_appointments(user, *, now=None):
    """Coming sessions the person takes part in, and coming workshops they signed up for
    (or wait for), soonest first. Two queries whatever their number."""
    now = now or timezone.now()
    sessions = Session.objects.visible_to(user).upcoming(now).select_related("accompanier")
    registrations = (
        Registration.objects.visible_to(user)
        .active()
        .filter(workshop__in=Workshop.objects.visible_to(user).coming(now))
        .select_related("workshop__organiser")
    )
    appointments = [
        Appointment(
            kind="session",
            pk=session.pk,
            title=_("Rendez-vous (%(modality)s)")
            % {"modality": session.get_modality_display().lower()},
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            place=session.place,
            with_whom=_name(session.accompanier),
        )
        for session in sessions
    ]
    appointments += [
        Appointment(
            kind="workshop",
            pk=registration.workshop.pk,
            title=registration.workshop.title,
            starts_at=registration.workshop.starts_at,
            ends_at=registration.workshop.ends_at,
            place=registration.workshop.place,
            with_whom=_name(registration.workshop.organiser),
            is_waiting=registration.status == Registration.Status.WAITING,
        )
        for registration in registrations
    ]
    return sorted(appointments, key=lambda appointment: (appointment.starts_at, appointment.kind))


def past_sessions(user, *, now=None):
    """Held sessions, most recent first, for their shared summary (never the private notes:
    only the fields below are read)."""
    now = now or timezone.now()
    return (
        Session.objects.visible_to(user)
        .filter(status=Session.Status.HELD, starts_at__lt=now)
        .select_related("accompanier", "workshop")
        .only(
            "pk",
            "kind",
            "modality",
            "starts_at",
            "duration_minutes",
            "place",
            "shared_summary",
            "accompanier__first_name",
            "accompanier__last_name",
            "accompanier__email",
            "workshop__title",
        )
        .order_by("-starts_at", "-pk")
    )


def accompaniers_of(user):
    return (
        Assignment.objects.filter(beneficiary__in=Beneficiary.objects.visible_to(user))
        .select_related("accompanier")
        .order_by("-is_primary", Folded("accompanier__last_name"))
    )


def referrals_sharing_data(user):
    """Referrals that sent information about the person to a partner: what, when and why."""
    return (
        Referral.objects.visible_to(user)
        .outbound()
        .select_related("partner", "theme")
        .order_by("-sent_at", "-pk")
    )


# Good addresses ------------------------------------------------------------------------


def distance_km(origin, destination):
    """Great-circle (haversine) distance between two (latitude, longitude) pairs."""
    lat1, lon1 = map(math.radians, map(float, origin))
    lat2, lon2 = map(math.radians, map(float, destination))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _position_of(place):
    if place is not None and place.latitude is not None and place.longitude is not None:
        return (place.latitude, place.longitude)
    return None


def good_addresses(user, beneficiary, *, category=None, commune=None, today=None) -> QuerySet:
    """The partners that may be recommended to the person, of ``category`` and in ``commune``
    when given, nearest first from their commune, then by name (a queryset, to paginate).

    A partner's own coordinates are used, else its commune's. The database sorts on a flat
    approximation of the distance, exact enough within a métropole; ``with_distances`` gives
    the page's rows their distance in km. Places without a position come last."""
    today = today or timezone.localdate()
    partners = Partner.objects.visible_to(user)
    if category is not None:
        partners = partners.filter(categories=category)
    if commune is not None:
        partners = partners.filter(commune=commune)
    order = ["search_text", "pk"]
    origin = _position_of(beneficiary.commune)
    if origin:
        latitude, longitude = (float(degrees) for degrees in origin)
        north = Cast(Coalesce("latitude", "commune__latitude"), FloatField()) - latitude
        # A degree of longitude is shorter than a degree of latitude, by cos(latitude).
        east = (
            Cast(Coalesce("longitude", "commune__longitude"), FloatField()) - longitude
        ) * math.cos(math.radians(latitude))
        partners = partners.annotate(nearness=north * north + east * east)
        order = [F("nearness").asc(nulls_last=True), *order]
    return (
        partners.with_current_closure(today)
        .select_related("commune")
        .prefetch_related("services")
        .order_by(*order)
    )


def with_distances(partners, beneficiary) -> list:
    """``partners`` (a page of them), each with ``distance`` in km from the person's commune
    (None when either position is unknown)."""
    partners = list(partners)
    origin = _position_of(beneficiary.commune)
    for partner in partners:
        position = _position_of(partner) or _position_of(partner.commune)
        partner.distance = round(distance_km(origin, position), 1) if origin and position else None
    return partners


# The person's data ---------------------------------------------------------------------


def _date(value):
    return value.isoformat() if value else None


def _money(value):
    """A decimal amount as a string ("12.50"), exact in JSON."""
    return None if value is None else str(value)


def plain_owner(step) -> str:
    """Who does a step, in the person's words (the staff labels use inclusive writing)."""
    return {
        Step.Owner.BENEFICIARY: _("vous"),
        Step.Owner.TOGETHER: _("ensemble"),
        Step.Owner.ACCOMPANIER: _("l'équipe Soli'dôme"),
        Step.Owner.PARTNER: _("un partenaire"),
    }[step.owner]


def plain_registration_status(registration) -> str:
    return {
        Registration.Status.REGISTERED: _("place réservée"),
        Registration.Status.WAITING: _("sur liste d'attente"),
        Registration.Status.CANCELLED: _("inscription annulée"),
    }[registration.status]


def plain_attendance(participation) -> str:
    return {
        Participation.Attendance.EXPECTED: _("on vous attend"),
        Participation.Attendance.PRESENT: _("vous étiez là"),
        Participation.Attendance.ABSENT: _("vous n'étiez pas là"),
        Participation.Attendance.EXCUSED: _("absence prévenue"),
    }[participation.attendance]


def every_session(user, beneficiary):
    """All the person's sessions, whatever their status, with their own attendance in
    ``mine``. The staff's private notes and next steps are not even loaded."""
    return (
        Session.objects.visible_to(user)
        .select_related("accompanier")
        .defer("private_notes", "next_steps", "cancellation_reason")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(beneficiary=beneficiary),
                to_attr="mine",
            )
        )
        .order_by("-starts_at", "-pk")
    )


def messages_to(beneficiary):
    """Every message written to the person (by SMS or e-mail), to their file or account."""
    to_them = Q(
        recipient_type=ContentType.objects.get_for_model(Beneficiary), recipient_id=beneficiary.pk
    )
    if beneficiary.user_id:
        to_them |= Q(
            recipient_type=ContentType.objects.get_for_model(User),
            recipient_id=beneficiary.user_id,
        )
    return Notification.objects.filter(to_them).order_by("-due_at", "-pk")


def personal_data(user):
    """Everything the platform holds about the person, as plain data for their page and their
    download. Staff working notes (session private notes and next steps, file notes) are left
    out: they are the team's working notes, which the person may ask for (an access request,
    answered by the coordination within a month)."""
    beneficiary = (
        Beneficiary.objects.visible_to(user)
        .select_related("commune")
        .prefetch_related("consents", "exit_reviews")
        .get()
    )
    goals = Goal.objects.visible_to(user).select_related("theme").prefetch_related("steps")
    coming = upcoming_appointments(user)
    registrations = (
        Registration.objects.visible_to(user).select_related("workshop").order_by("created_at")
    )
    return {
        "identity": {
            "first_name": beneficiary.first_name,
            "last_name": beneficiary.last_name,
            "birth_date": _date(beneficiary.birth_date),
            "gender": beneficiary.get_gender_display(),
        },
        "contact": {
            "phone": beneficiary.phone_display,
            "email": beneficiary.email,
            "preferred_channel": beneficiary.get_preferred_channel_display(),
            "commune": str(beneficiary.commune) if beneficiary.commune else "",
        },
        "situation": {
            "household": beneficiary.get_household_display(),
            "housing": beneficiary.get_housing_display(),
            "main_activity": beneficiary.get_main_activity_display(),
            "resources": beneficiary.get_resources_display(),
        },
        "accompaniment": {
            "status": beneficiary.get_status_display(),
            "entry_date": _date(beneficiary.entry_date),
            "exit_date": _date(beneficiary.exit_date),
            "exit_reason": beneficiary.get_exit_reason_display(),
            "last_contact_on": _date(beneficiary.last_contact_on),
            "accompaniers": [
                {"name": _name(a.accompanier), "email": a.accompanier.email, "main": a.is_primary}
                for a in accompaniers_of(user)
            ],
        },
        "preferences": {
            "reminder_channel": beneficiary.get_reminder_channel_display(),
            "same_morning_reminder": beneficiary.same_morning_reminder,
            "step_reminders": beneficiary.step_reminders,
            "language": beneficiary.get_preferred_language_display(),
            "reminders_paused_until": _date(beneficiary.reminders_paused_until),
        },
        "consents": [
            {
                "consent": str(consent.plain_label),
                "given": consent.is_given,
                "recorded_on": _date(consent.recorded_on),
            }
            for consent in beneficiary.consents.all()
        ],
        "plan": [
            {
                "goal": goal.title,
                "theme": str(goal.theme),
                "status": goal.get_status_display(),
                "target_date": _date(goal.target_date),
                "steps": [
                    {
                        "step": step.title,
                        "who": plain_owner(step),
                        "due_date": _date(step.due_date),
                        "done_on": _date(step.done_on),
                    }
                    for step in goal.steps.all()
                ],
            }
            for goal in goals
        ],
        "coming_appointments": [
            {
                "what": appointment.title,
                "starts_at": timezone.localtime(appointment.starts_at).isoformat(),
                "place": appointment.place,
                "with": appointment.with_whom,
            }
            for appointment in coming
        ],
        # Every session, held or not: planned, held, cancelled, missed.
        "sessions": [
            {
                "date": timezone.localtime(session.starts_at).isoformat(),
                "status": session.get_status_display(),
                "attendance": plain_attendance(session.mine[0]) if session.mine else "",
                "modality": session.get_modality_display(),
                "place": session.place,
                "with": _name(session.accompanier),
                "summary": session.shared_summary,
            }
            for session in every_session(user, beneficiary)
        ],
        "messages": [
            {
                "date": timezone.localtime(message.sent_at or message.due_at).isoformat(),
                "kind": message.get_kind_display(),
                "channel": message.get_channel_display(),
                "status": message.get_status_display(),
                "to": message.address,
                "subject": message.subject,
                "text": message.body,
            }
            for message in messages_to(beneficiary)
        ],
        "access_log": [
            {"date": line.at.isoformat(), "who": line.who, "what": line.what}
            for line in access_log.lines(access_log.entries_about(beneficiary).iterator())
        ],
        "exit_reviews": [
            {
                "closed_on": _date(review.closed_on),
                "goals": review.get_goals_outcome_display(),
                "what_changed": review.what_changed,
                "next": review.next_destination,
            }
            for review in beneficiary.exit_reviews.all()
        ],
        "workshops": [
            {
                "workshop": registration.workshop.title,
                "date": timezone.localtime(registration.workshop.starts_at).isoformat(),
                "status": plain_registration_status(registration),
            }
            for registration in registrations
        ],
        "referrals": [
            {
                "direction": referral.get_direction_display(),
                "partner": referral.partner.name,
                "need": str(referral.theme) if referral.theme else "",
                "shared": [str(label) for label in referral.shared_field_labels()],
                "sent_at": timezone.localtime(referral.sent_at).isoformat(),
                "status": referral.get_status_display(),
                # The texts written about the person, to the partner and by the partner.
                "message": referral.message,
                "partner_answer": referral.partner_answer,
                "refusal_reason": referral.refusal_reason,
                "sent_without_consent_because": referral.consent_override_reason,
            }
            for referral in Referral.objects.visible_to(user)
            .select_related("partner", "theme")
            .order_by("-sent_at", "-pk")
        ],
        "supports": [
            {
                "support": support.get_kind_display(),
                "given_on": _date(support.given_on),
                "euros_converted": _money(support.euros_converted),
                "bonus_rate": _money(support.bonus_rate),
                "bonus_amount": _money(support.bonus_amount),
                "amount": _money(support.amount),
                "provided_by": support.partner.name if support.partner else "",
                "description": support.description,
            }
            for support in Support.objects.visible_to(user).select_related("partner")
        ],
        # Their answers to the questionnaires, as they were recorded.
        "questionnaires": [
            {
                "date": _date(fies.taken_on),
                "questionnaire": str(FoodInsecurityAssessment._meta.verbose_name),
                "moment": fies.get_moment_display(),
                "result": _("%(score)s sur 8 : %(band)s")
                % {"score": fies.raw_score, "band": fies.band.label},
            }
            for fies in FoodInsecurityAssessment.objects.visible_to(user).order_by("taken_on")
        ]
        + [
            {
                "date": _date(check_in.taken_on),
                "questionnaire": str(PracticesCheckIn._meta.verbose_name),
                "moment": check_in.get_moment_display(),
                "result": "; ".join(
                    f"{question.plain_label} {check_in.answer_label(question)}"
                    for question in PRACTICE_QUESTIONS
                ),
            }
            for check_in in PracticesCheckIn.objects.visible_to(user).order_by("taken_on")
        ],
        "contact_change_requests": [
            {
                "asked_on": timezone.localtime(change.created_at).isoformat(),
                "changes": {str(label): value for label, value in change.changes()},
                "status": change.get_status_display(),
            }
            for change in beneficiary.contact_change_requests.select_related("commune")
        ],
        "deletion_requests": [
            {
                "asked_on": timezone.localtime(request.created_at).isoformat(),
                "handled_on": timezone.localtime(request.handled_at).isoformat()
                if request.handled_at
                else None,
            }
            for request in beneficiary.deletion_requests.all()
        ],
    }
