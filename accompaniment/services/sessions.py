"""Recording, scheduling and closing sessions.

A session that took place is a contact with each person present: their file's last contact
moves forward (never back: ``Beneficiary.record_contact``). Planned, cancelled and missed
sessions leave it alone. Every change is written in the journal of each participant's file.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accompaniment import reminders
from accompaniment.models import Participation, Session
from accompaniment.permissions import can_lead_sessions_for
from beneficiaries.models import Beneficiary
from soli_dome.audit.events import iso
from soli_dome.audit.models import AuditEntry, record_many


def journal(*, by, action, session, beneficiaries, event, **params):
    """One entry per participant's file; the sentence names the session by its start."""
    record_many(
        actor=by,
        action=action,
        targets=beneficiaries,
        event=event,
        start=iso(session.starts_at),
        **params,
    )


def record_session_read(*, session, by, event="session.read"):
    """Opening a session's staff page, or one of its forms, reads part of each participant's
    file."""
    participants = [p.beneficiary for p in session.participations.all()]
    journal(
        by=by,
        action=AuditEntry.Action.READ,
        session=session,
        beneficiaries=participants,
        event=event,
    )


def record_contacts(session):
    """The people present at a held session had a contact on the session's (local) day."""
    if session.status != Session.Status.HELD:
        return
    day = timezone.localdate(session.starts_at)
    present = Beneficiary.objects.filter(
        participations__session=session,
        participations__attendance=Participation.Attendance.PRESENT,
    )
    for beneficiary in present:
        beneficiary.record_contact(on=day)


@transaction.atomic
def create_session(*, form, by):
    """Save a new session from a valid ``SessionForm``: held (people present) or planned
    (people expected). The user leads it unless a coordinator chose someone else."""
    session = form.save(commit=False)
    if not session.accompanier_id:
        session.accompanier = by
    if not can_lead_sessions_for(by, session.accompanier):
        # The colleague would not even see it: only a coordinator plans for someone else.
        raise PermissionDenied
    held = form.is_held()
    session.status = Session.Status.HELD if held else Session.Status.PLANNED
    session.save()
    form.save_m2m()
    participants = form.chosen_participants(form.cleaned_data)
    attendance = Participation.Attendance.PRESENT if held else Participation.Attendance.EXPECTED
    Participation.objects.bulk_create(
        Participation(session=session, beneficiary=beneficiary, attendance=attendance)
        for beneficiary in participants
    )
    record_contacts(session)
    journal(
        by=by,
        action=AuditEntry.Action.UPDATE,
        session=session,
        beneficiaries=participants,
        event="session.held" if held else "session.scheduled",
    )
    if not held:
        reminders.appointment_fixed(reminders.of_session(session), participants)
    return session


@transaction.atomic
def update_session(*, form, by):
    """Save an edited session: its content, its participants and their attendance."""
    if "accompanier" in form.changed_data and not can_lead_sessions_for(
        by, form.cleaned_data["accompanier"]
    ):
        raise PermissionDenied
    session = form.save()
    chosen = {b.pk: b for b in form.cleaned_data.get("participants", [])}
    attendances = form.attendances()
    before = [p.beneficiary for p in form.participations]
    for participation, attendance in attendances.items():
        if participation.beneficiary_id not in chosen:
            participation.delete()
        elif participation.attendance != attendance:
            participation.attendance = attendance
            participation.save(update_fields=["attendance"])
    kept = {p.beneficiary_id for p in form.participations}
    new_attendance = (
        Participation.Attendance.PRESENT
        if session.status == Session.Status.HELD
        else Participation.Attendance.EXPECTED
    )
    Participation.objects.bulk_create(
        Participation(session=session, beneficiary=beneficiary, attendance=new_attendance)
        for pk, beneficiary in chosen.items()
        if pk not in kept
    )
    record_contacts(session)
    journal(
        by=by,
        action=AuditEntry.Action.UPDATE,
        session=session,
        beneficiaries=[*before, *chosen.values()],
        event="session.updated",
        fields=sorted(form.changed_data),
    )
    appointment = reminders.of_session(session)
    if session.status == Session.Status.PLANNED:
        before_ids = {b.pk for b in before}
        reminders.appointment_changed(
            appointment,
            kept=[b for pk, b in chosen.items() if pk in before_ids],
            added=[b for pk, b in chosen.items() if pk not in before_ids],
            removed=[b for b in before if b.pk not in chosen],
            moved=bool({"starts_at", "place"} & set(form.changed_data)),
        )
    else:
        reminders.forget(appointment)
    return session


@transaction.atomic
def record_held(*, form, by):
    """A planned (or missed) session took place: attendance, summary and notes."""
    session = form.save(commit=False)
    session.status = Session.Status.HELD
    session.cancellation_reason = ""
    session.save()
    form.save_m2m()
    for participation, attendance in form.attendances().items():
        if participation.attendance != attendance:
            participation.attendance = attendance
            participation.save(update_fields=["attendance"])
    record_contacts(session)
    journal(
        by=by,
        action=AuditEntry.Action.UPDATE,
        session=session,
        beneficiaries=[p.beneficiary for p in form.participations],
        event="session.held",
    )
    reminders.forget(reminders.of_session(session))
    return session


@transaction.atomic
def cancel_session(*, session, reason, by):
    session.status = Session.Status.CANCELLED
    session.cancellation_reason = reason
    session.save(update_fields=["status", "cancellation_reason", "updated_at"])
    participants = Beneficiary.objects.filter(participations__session=session)
    journal(
        by=by,
        action=AuditEntry.Action.UPDATE,
        session=session,
        beneficiaries=participants,
        event="session.cancelled",
    )
    reminders.appointment_cancelled(
        reminders.of_session(session),
        Beneficiary.objects.filter(
            participations__session=session,
            participations__attendance=Participation.Attendance.EXPECTED,
        ),
    )


@transaction.atomic
def mark_missed(*, session, by):
    """Nobody came: the people expected are absent (those who excused themselves stay so)."""
    session.status = Session.Status.MISSED
    session.save(update_fields=["status", "updated_at"])
    session.participations.exclude(attendance=Participation.Attendance.EXCUSED).update(
        attendance=Participation.Attendance.ABSENT
    )
    journal(
        by=by,
        action=AuditEntry.Action.UPDATE,
        session=session,
        beneficiaries=Beneficiary.objects.filter(participations__session=session),
        event="session.missed",
    )
    reminders.forget(reminders.of_session(session))
