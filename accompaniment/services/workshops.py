"""Workshops: sign-ups with a waiting list, and attendance that becomes a collective session.

Every change to the places of a workshop locks the workshop row first (``_lock``), so that two
sign-ups at the same moment cannot both take the last place, and an unregistration cannot
promote the same waiting person twice.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment import reminders
from accompaniment.models import Goal, Participation, Registration, Session, Workshop
from accompaniment.permissions import can_lead_sessions_for, can_manage_workshop
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import AuditEntry, record


def _lock(workshop):
    """The workshop row, locked until the end of the transaction, with its current values."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _check_may_manage(workshop, by):
    if not can_manage_workshop(by, workshop):
        raise PermissionDenied


def _check_open(workshop):
    if workshop.status != Workshop.Status.OPEN:
        raise ValidationError(_("Les inscriptions à cet atelier sont fermées."))


def _fill_free_places(workshop, *, by):
    """Promote waiting people, in sign-up order, into the places left. Call with the row locked."""
    taken = workshop.registrations.filter(status=Registration.Status.REGISTERED).count()
    free = max(workshop.capacity - taken, 0)
    promoted = list(
        workshop.registrations.filter(status=Registration.Status.WAITING).select_related(
            "beneficiary"
        )[:free]
    )
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            target=registration.beneficiary,
            event="workshop.promoted",
            workshop=workshop.title,
        )
    reminders.appointment_fixed(reminders.of_workshop(workshop), [r.beneficiary for r in promoted])
    return promoted


@transaction.atomic
def create_workshop(*, form, by):
    """Save a new workshop from a valid ``WorkshopForm``; an accompanier organises their own."""
    if not can_lead_sessions_for(by, form.instance.organiser):
        raise PermissionDenied
    return form.save()


@transaction.atomic
def update_workshop(*, form, by):
    """Save the changes of an open workshop; more places promote people from the waiting list.

    The view locks the row before validating the form, so the capacity check against the
    people already registered still holds here."""
    _check_may_manage(Workshop.objects.get(pk=form.instance.pk), by)
    _check_open(form.instance)
    workshop = form.save()
    changed = set(form.changed_data)
    if {"starts_at", "place", "title", "organiser"} & changed:
        registered = Beneficiary.objects.filter(
            registrations__workshop=workshop,
            registrations__status=Registration.Status.REGISTERED,
        )
        reminders.appointment_changed(
            reminders.of_workshop(workshop),
            kept=registered,
            added=[],
            removed=[],
            moved=bool({"starts_at", "place"} & changed),
        )
    return _fill_free_places(workshop, by=by)


@transaction.atomic
def cancel_workshop(*, workshop, by):
    """Cancel an open workshop. Registrations are kept, so that the people signed up can be
    told and the history stays readable."""
    workshop = _lock(workshop)
    _check_may_manage(workshop, by)
    _check_open(workshop)
    workshop.status = Workshop.Status.CANCELLED
    workshop.save(update_fields=["status", "updated_at"])
    reminders.appointment_cancelled(
        reminders.of_workshop(workshop),
        Beneficiary.objects.filter(
            registrations__workshop=workshop,
            registrations__status=Registration.Status.REGISTERED,
        ),
    )
    return workshop


@transaction.atomic
def register(*, workshop, beneficiary, by):
    """Sign ``beneficiary`` up: registered if a place is left, otherwise on the waiting list.

    A person who had unregistered signs up again on the same row, at the end of the queue."""
    workshop = _lock(workshop)
    _check_open(workshop)
    registration = Registration.objects.filter(workshop=workshop, beneficiary=beneficiary).first()
    if registration is not None and registration.status != Registration.Status.CANCELLED:
        return registration
    taken = workshop.registrations.filter(status=Registration.Status.REGISTERED).count()
    has_queue = workshop.registrations.filter(status=Registration.Status.WAITING).exists()
    status = (
        Registration.Status.REGISTERED
        if taken < workshop.capacity and not has_queue
        else Registration.Status.WAITING
    )
    if registration is None:
        registration = Registration.objects.create(
            workshop=workshop, beneficiary=beneficiary, status=status
        )
    else:
        # created_at is the sign-up order: coming back puts the person at the end of the queue.
        registration.status = status
        registration.created_at = timezone.now()
        registration.save(update_fields=["status", "created_at", "updated_at"])
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="workshop.registration",
        workshop=workshop.title,
        status=status,
    )
    if status == Registration.Status.REGISTERED:
        reminders.appointment_fixed(reminders.of_workshop(workshop), [beneficiary])
    return registration


@transaction.atomic
def unregister(*, registration, by):
    """Cancel the registration. If it held a place, the first person waiting gets it.

    Returns the registrations promoted from the waiting list (none or one)."""
    workshop = _lock(registration.workshop)
    _check_open(workshop)
    registration = Registration.objects.select_related("beneficiary").get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return []
    held_a_place = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=registration.beneficiary,
        event="workshop.registration_cancelled",
        workshop=workshop.title,
    )
    reminders.forget(reminders.of_workshop(workshop), [registration.beneficiary])
    return _fill_free_places(workshop, by=by) if held_a_place else []


@transaction.atomic
def take_attendance(*, workshop, attendance, by):
    """Record who came: the workshop becomes a held collective session.

    ``attendance`` maps beneficiary ids to ``Participation.Attendance`` values, for the
    registered people the user may see. Registered people left out (followed by colleagues)
    keep what was recorded for them, or stay "expected" until their accompanier fills it in.
    Taking attendance again updates the same session. Returns the session."""
    workshop = _lock(workshop)
    if workshop.status == Workshop.Status.CANCELLED:
        raise ValidationError(_("Cet atelier est annulé."))
    day = timezone.localdate(workshop.starts_at)
    if day > timezone.localdate():
        raise ValidationError(_("Les présences se notent le jour de l'atelier ou après."))
    session, created = Session.objects.get_or_create(
        workshop=workshop,
        defaults={
            "kind": Session.Kind.COLLECTIVE,
            "accompanier": workshop.organiser,
            "starts_at": workshop.starts_at,
            "duration_minutes": workshop.duration_minutes,
            "place": workshop.place,
            "status": Session.Status.HELD,
        },
    )
    if not created:
        session.kind = Session.Kind.COLLECTIVE
        session.status = Session.Status.HELD
        session.save(update_fields=["kind", "status", "updated_at"])
    session.themes.set(workshop.themes.all())

    existing = {p.beneficiary_id: p for p in session.participations.all()}
    registered = workshop.registrations.filter(status=Registration.Status.REGISTERED)
    for beneficiary_id in registered.values_list("beneficiary_id", flat=True):
        value = attendance.get(beneficiary_id)
        participation = existing.get(beneficiary_id)
        if participation is None:
            Participation.objects.create(
                session=session,
                beneficiary_id=beneficiary_id,
                attendance=value or Participation.Attendance.EXPECTED,
            )
        elif value and participation.attendance != value:
            participation.attendance = value
            participation.save(update_fields=["attendance"])

    beneficiaries = Beneficiary.objects.filter(pk__in=attendance)
    for beneficiary in beneficiaries:
        if attendance[beneficiary.pk] == Participation.Attendance.PRESENT:
            beneficiary.record_contact(on=day)
        record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            target=beneficiary,
            event="workshop.attendance",
            workshop=workshop.title,
            attendance=attendance[beneficiary.pk],
        )

    reminders.forget(reminders.of_workshop(workshop))
    if workshop.status != Workshop.Status.HELD:
        workshop.status = Workshop.Status.HELD
        workshop.save(update_fields=["status", "updated_at"])
    return session


@transaction.atomic
def tick_steps(*, workshop, steps, by):
    """Mark as done, on the day of the workshop, the plan steps it served; their goals count as
    worked on in the workshop's session."""
    session = workshop.session
    day = timezone.localdate(workshop.starts_at)
    touched = {}
    for step in steps:
        if not step.is_done:
            step.set_done(True, on=day)
        if step.goal.status == Goal.Status.TO_START:  # as when a step is ticked on the plan
            step.goal.change_status(Goal.Status.IN_PROGRESS, by=by)
        session.goals.add(step.goal)
        touched.setdefault(step.goal.beneficiary, []).append(step.pk)
    for beneficiary, step_ids in touched.items():
        record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            target=beneficiary,
            event="workshop.steps_done",
            workshop=workshop.title,
            count=len(step_ids),
        )
