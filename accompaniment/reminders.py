"""What the accompaniment tells people, through the outbox (``soli_dome.notifications``).

Participants of a planned session or registered people of a workshop get a message when the
appointment is fixed, changed or cancelled, and reminders before it (REMINDER_DAYS_BEFORE days,
and the same morning for those who asked). The services call these functions inside their
transaction, so a message exists exactly when the change it describes was saved.

A person is reached only with the "reminders" consent given, a reminder channel chosen and an
address for it; automatic reminders (not the news of a change) also respect the pause set by
their accompanier. These rules are checked again just before sending (``still_wanted``), so
that a consent withdrawn after a reminder was written stops it; so are the file (a closed file
gets nothing) and what the message speaks of (a session no longer planned, a workshop sign-up
cancelled, a step done). A message sent again from the outbox page goes through the same
checks, and to the address the file has then (``current_address``).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import Goal, Participation, Registration, Session, Step, Workshop
from beneficiaries.models import Beneficiary, Consent
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from soli_dome.phone import sms_number
from soli_dome.users.models import User

Kind = Notification.Kind
MORNING = datetime.time(8, 0)
AUTOMATIC_KINDS = {Kind.SESSION_REMINDER, Kind.WORKSHOP_REMINDER, Kind.STEP_REMINDER}


@dataclass(frozen=True)
class Appointment:
    """A session or a workshop, as its messages describe it."""

    kind: str  # "session" or "workshop"
    pk: int
    starts_at: datetime.datetime
    place: str
    title: str
    contact: str  # the first name of the person leading it

    @property
    def topic(self):
        return f"{self.kind}:{self.pk}"

    @property
    def reminder_kind(self):
        return Kind.WORKSHOP_REMINDER if self.kind == "workshop" else Kind.SESSION_REMINDER


def of_session(session):
    return Appointment(
        "session", session.pk, session.starts_at, session.place, "", session.accompanier.first_name
    )


def of_workshop(workshop):
    return Appointment(
        "workshop",
        workshop.pk,
        workshop.starts_at,
        workshop.place,
        workshop.title,
        workshop.organiser.first_name,
    )


def address_for(beneficiary, channel):
    if channel == Beneficiary.ReminderChannel.SMS:
        try:
            return sms_number(beneficiary.phone)
        except ValidationError:
            return None
    if channel == Beneficiary.ReminderChannel.EMAIL:
        return beneficiary.email or None
    return None


def reach(beneficiaries):
    """{beneficiary pk: (channel, address)} for the people who may get reminders. One query."""
    beneficiaries = list(beneficiaries)
    prefetch_related_objects(beneficiaries, "consents")
    contacts = {}
    for beneficiary in beneficiaries:
        channel = beneficiary.effective_reminder_channel()
        address = address_for(beneficiary, channel)
        if address:
            contacts[beneficiary.pk] = (channel, address)
    return contacts


CONTACT_FIELDS = {"phone", "email"}


def follow_new_contact(sender, instance, update_fields=None, **kwargs):
    """Messages not sent yet follow the person's phone and e-mail as they are now; those left
    without an address for their channel are cancelled. A save that names its fields and
    touches neither costs nothing."""
    if update_fields is not None and not CONTACT_FIELDS & set(update_fields):
        return
    pending = Notification.objects.for_recipient(instance).filter(
        status=Notification.Status.PENDING
    )
    for channel in (Notification.Channel.SMS, Notification.Channel.EMAIL):
        address = address_for(instance, channel)
        moved = pending.filter(channel=channel).exclude(address=address or "")
        if address:
            moved.update(address=address, updated_at=timezone.now())
        else:
            outbox.cancel_pending(moved, reason=str(outbox.NO_ADDRESS))


def is_paused(beneficiary, moment):
    until = beneficiary.reminders_paused_until
    return until is not None and timezone.localdate(moment) <= until


def reminder_times(appointment, beneficiary, now):
    """{label: due time} of the reminders the person should get for the appointment."""
    times = {}
    before = appointment.starts_at - datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    if before > now:
        times[f"{settings.REMINDER_DAYS_BEFORE}d"] = before
    if beneficiary.same_morning_reminder:
        day = timezone.localdate(appointment.starts_at)
        morning = timezone.make_aware(datetime.datetime.combine(day, MORNING))
        if now < morning <= appointment.starts_at - datetime.timedelta(hours=1):
            times["morning"] = morning
    return times


def _content(template, appointment, channel, language, **extra):
    return outbox.render(
        template=template,
        context={"appointment": appointment, "site_url": settings.SITE_URL, **extra},
        channel=channel,
        language=language,
    )


def sync_reminders(appointment, beneficiaries, *, now=None):
    """Make the pending reminders of these people match the appointment: written when
    missing, moved when the time changed, cancelled when no longer wanted. A reminder already
    sent stays sent (its key is taken: never a second one for the same event and channel)."""
    now = now or timezone.now()
    beneficiaries = list(beneficiaries)
    contacts = reach(beneficiaries)
    wanted = {}
    for beneficiary in beneficiaries:
        if beneficiary.pk not in contacts:
            continue
        channel, address = contacts[beneficiary.pk]
        for label, due_at in reminder_times(appointment, beneficiary, now).items():
            key = f"{appointment.kind}-reminder:{appointment.pk}:{beneficiary.pk}:{channel}:{label}"
            wanted[key] = (beneficiary, channel, address, due_at, label)
    reminders = Notification.objects.filter(
        topic=appointment.topic, kind=appointment.reminder_kind
    ).filter(recipient_id__in=[b.pk for b in beneficiaries])
    existing = {n.idempotency_key: n for n in reminders}
    outbox.cancel_pending(
        reminders.filter(pk__in=[n.pk for key, n in existing.items() if key not in wanted])
    )
    for key, (beneficiary, channel, address, due_at, label) in wanted.items():
        content = _content(
            "appointment_reminder",
            appointment,
            channel,
            beneficiary.preferred_language,
            morning=label == "morning",
        )
        if key in existing and existing[key].status == Notification.Status.PENDING:
            outbox.update_pending(existing[key], due_at=due_at, content=content)
        else:
            outbox.write(
                key=key,
                kind=appointment.reminder_kind,
                channel=channel,
                recipient=beneficiary,
                address=address,
                language=beneficiary.preferred_language,
                due_at=due_at,
                content=content,
                topic=appointment.topic,
            )


def announce(appointment, beneficiaries, kind, *, now=None):
    """Tell these people, now, that the appointment was fixed, changed or cancelled."""
    now = now or timezone.now()
    beneficiaries = list(beneficiaries)
    contacts = reach(beneficiaries)
    template = {
        Kind.APPOINTMENT_CREATED: "appointment_created",
        Kind.APPOINTMENT_CHANGED: "appointment_changed",
        Kind.APPOINTMENT_CANCELLED: "appointment_cancelled",
    }[kind]
    for beneficiary in beneficiaries:
        if beneficiary.pk not in contacts:
            continue
        channel, address = contacts[beneficiary.pk]
        key = f"{appointment.kind}-{template}:{appointment.pk}:{beneficiary.pk}:{channel}"
        if kind == Kind.APPOINTMENT_CHANGED:
            # Each change is news; an older change not yet sent is superseded by this one.
            outbox.cancel_pending(
                Notification.objects.for_recipient(beneficiary).filter(
                    topic=appointment.topic, kind=kind
                )
            )
            key += f":{now.timestamp():.0f}"
        outbox.write(
            key=key,
            kind=kind,
            channel=channel,
            recipient=beneficiary,
            address=address,
            language=beneficiary.preferred_language,
            due_at=now,
            topic=appointment.topic,
            content=_content(template, appointment, channel, beneficiary.preferred_language),
        )


def forget(appointment, beneficiaries=None):
    """Cancel the pending messages of an appointment (of some people only, if given)."""
    pending = Notification.objects.filter(topic=appointment.topic)
    if beneficiaries is not None:
        pending = pending.filter(
            recipient_type__model="beneficiary",
            recipient_id__in=[b.pk for b in beneficiaries],
        )
    return outbox.cancel_pending(pending)


def appointment_fixed(appointment, beneficiaries):
    if appointment.starts_at <= timezone.now():
        return
    sync_reminders(appointment, beneficiaries)
    announce(appointment, beneficiaries, Kind.APPOINTMENT_CREATED)


def appointment_changed(appointment, *, kept, added, removed, moved):
    """After an edit: reminders follow the new time, newcomers are told it is fixed, people
    taken off are told it is cancelled for them, the others are told of a new time or place."""
    if removed:
        forget(appointment, removed)
        announce(appointment, removed, Kind.APPOINTMENT_CANCELLED)
    if appointment.starts_at <= timezone.now():
        forget(appointment, kept)
        return
    sync_reminders(appointment, kept)
    if moved:
        announce(appointment, kept, Kind.APPOINTMENT_CHANGED)
    appointment_fixed(appointment, added)


def appointment_cancelled(appointment, beneficiaries):
    forget(appointment)
    if appointment.starts_at > timezone.now():
        announce(appointment, beneficiaries, Kind.APPOINTMENT_CANCELLED)


def _recipient_model(notification):
    return ContentType.objects.get_for_id(notification.recipient_type_id).model


def _file_of(notification):
    """The beneficiary file a message goes to (None once deleted), read once per message: the
    send-time check and the address look-up both need it."""
    if not hasattr(notification, "_recipient_file"):
        notification._recipient_file = (
            Beneficiary.objects.prefetch_related("consents")
            .filter(pk=notification.recipient_id)
            .first()
        )
    return notification._recipient_file


def current_address(notification):
    """The send-time address look-up (registered with the outbox): a message to a beneficiary
    goes to their phone or e-mail as the file has it now ("" when it has none)."""
    if _recipient_model(notification) != "beneficiary":
        return None
    beneficiary = _file_of(notification)
    if beneficiary is None:
        return None  # still_wanted refuses it
    return address_for(beneficiary, notification.channel) or ""


# The messages about an appointment or a step that only make sense while it still stands (the
# news of a cancellation does not: it is sent because it no longer does).
STANDING_KINDS = {
    Kind.SESSION_REMINDER,
    Kind.WORKSHOP_REMINDER,
    Kind.STEP_REMINDER,
    Kind.APPOINTMENT_CREATED,
    Kind.APPOINTMENT_CHANGED,
}


def no_longer_standing(topic, beneficiary):
    """Why the session, workshop or step of ``topic`` ("session:12", "workshop:3", "step:7")
    no longer concerns the person, or None while it does."""
    about, _sep, pk = topic.partition(":")
    if about == "session":
        expected = Participation.objects.filter(
            session_id=pk, session__status=Session.Status.PLANNED, beneficiary=beneficiary
        ).exclude(
            attendance__in=[Participation.Attendance.ABSENT, Participation.Attendance.EXCUSED]
        )
        return None if expected.exists() else _("La séance n'est plus prévue pour la personne.")
    if about == "workshop":
        registered = Registration.objects.filter(
            workshop_id=pk,
            workshop__status=Workshop.Status.OPEN,
            beneficiary=beneficiary,
            status=Registration.Status.REGISTERED,
        )
        return None if registered.exists() else _("La personne n'est plus inscrite à l'atelier.")
    if about == "step":
        to_do = Step.objects.pending().filter(pk=pk, goal__in=Goal.objects.open())
        return None if to_do.exists() else _("L'action est faite ou son objectif est clos.")
    return None


def still_wanted(notification):
    """The send-time check (registered with the outbox): None when the message may go, or why
    it may not."""
    model = _recipient_model(notification)
    if model == "user":
        active = User.objects.filter(pk=notification.recipient_id, is_active=True).exists()
        return None if active else _("Compte désactivé.")
    if model != "beneficiary":
        return None
    beneficiary = _file_of(notification)
    if beneficiary is None:
        return _("Dossier supprimé.")
    if beneficiary.status == Beneficiary.Status.CLOSED:
        return _("Dossier clôturé.")
    if notification.kind == Notification.Kind.PORTAL_INVITATION:
        return None  # sent at the accompanier's request, not a reminder: no reminder rule
    if not beneficiary.has_given(Consent.Kind.REMINDERS):
        return _("Pas de consentement aux rappels.")
    if beneficiary.effective_reminder_channel() != notification.channel:
        return _("La personne ne veut plus de rappels par ce moyen.")
    if notification.kind in AUTOMATIC_KINDS and is_paused(beneficiary, timezone.now()):
        return _("Rappels suspendus par l'accompagnateur·rice.")
    if notification.kind in STANDING_KINDS:
        return no_longer_standing(notification.topic, beneficiary)
    return None
