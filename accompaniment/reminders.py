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
from django.utils.translation import gettext_lazy

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


NO_LONGER_WANTED = _(
    "Plus prévu : les choix de rappel de la personne ou le rendez-vous ont changé."
)
MOVED_TO_CHANNEL = _("Envoyé par un autre moyen, selon les nouveaux choix de la personne.")
NEWS_TEMPLATES = {
    Kind.APPOINTMENT_CREATED: "appointment_created",
    Kind.APPOINTMENT_CHANGED: "appointment_changed",
    Kind.APPOINTMENT_CANCELLED: "appointment_cancelled",
}
# The file's fields that decide what the person is sent; a save naming none of them (the
# last-contact date, the search copies) re-plans nothing.
CHOICE_FIELDS = {
    "phone",
    "email",
    "reminder_channel",
    "same_morning_reminder",
    "step_reminders",
    "preferred_language",
}


def upcoming_appointments(beneficiary, now):
    """The planned sessions the person is expected at and the open workshops they are
    registered for, still ahead. A handful per person: two queries."""
    sessions = (
        Session.objects.filter(
            status=Session.Status.PLANNED,
            starts_at__gt=now,
            participations__beneficiary=beneficiary,
        )
        .exclude(
            participations__beneficiary=beneficiary,
            participations__attendance__in=[
                Participation.Attendance.ABSENT,
                Participation.Attendance.EXCUSED,
            ],
        )
        .select_related("accompanier")
        .distinct()
    )
    workshops = Workshop.objects.filter(
        status=Workshop.Status.OPEN,
        starts_at__gt=now,
        registrations__beneficiary=beneficiary,
        registrations__status=Registration.Status.REGISTERED,
    ).select_related("organiser")
    return [of_session(s) for s in sessions] + [of_workshop(w) for w in workshops]


def replan(beneficiary, *, now=None):
    """Make every message not yet sent to the person follow their choices as they are now:
    called in the transaction that changed their channel, consent, same-morning choice, step
    nudges or contact details. Reminders of their coming appointments and their step nudges
    are moved to the new channel (the same due time), added or cancelled with the reason; news
    of an appointment waiting to leave goes by the new channel too."""
    now = now or timezone.now()
    beneficiary = Beneficiary.objects.prefetch_related("consents").get(pk=beneficiary.pk)
    follow_new_contact(Beneficiary, beneficiary)
    for appointment in upcoming_appointments(beneficiary, now):
        sync_reminders(appointment, [beneficiary], now=now)
    contact = reach([beneficiary]).get(beneficiary.pk)
    _move_news(beneficiary, contact, now)
    _replan_step_reminders(beneficiary, contact, now)


def _waiting(beneficiary, kinds):
    return Notification.objects.for_recipient(beneficiary).filter(
        status=Notification.Status.PENDING, kind__in=kinds
    )


def _appointment_of(topic):
    about, _sep, pk = topic.partition(":")
    if about == "session":
        session = Session.objects.select_related("accompanier").filter(pk=pk).first()
        return session and of_session(session)
    if about == "workshop":
        workshop = Workshop.objects.select_related("organiser").filter(pk=pk).first()
        return workshop and of_workshop(workshop)
    return None


def _move(notification, contact, content_for):
    """Write ``notification`` again on the channel of ``contact`` (same due time), then cancel
    it; cancel it with the reason when there is no channel left or nothing to say."""
    if contact is None:
        outbox.cancel_pending(
            Notification.objects.filter(pk=notification.pk), reason=str(NO_LONGER_WANTED)
        )
        return
    channel, address = contact
    content = content_for(channel)
    if content is None:
        outbox.cancel_pending(
            Notification.objects.filter(pk=notification.pk), reason=str(NO_LONGER_WANTED)
        )
        return
    outbox.write(
        key=notification.idempotency_key.replace(f":{notification.channel}", f":{channel}", 1),
        kind=notification.kind,
        channel=channel,
        recipient=notification.recipient,
        address=address,
        language=notification.language,
        due_at=notification.due_at,
        content=content,
        topic=notification.topic,
    )
    outbox.cancel_pending(
        Notification.objects.filter(pk=notification.pk), reason=str(MOVED_TO_CHANNEL)
    )


def _move_news(beneficiary, contact, now):
    channel = contact[0] if contact else None
    for notification in _waiting(beneficiary, NEWS_TEMPLATES).exclude(channel=channel or ""):
        appointment = _appointment_of(notification.topic)
        template = NEWS_TEMPLATES[notification.kind]

        def content_for(new_channel, appointment=appointment, template=template):
            if appointment is None:
                return None
            return _content(template, appointment, new_channel, beneficiary.preferred_language)

        notification.recipient = beneficiary
        _move(notification, contact, content_for)


def _step_content(step, channel, language):
    return outbox.render(
        template="step_reminder",
        context={"step": step, "site_url": settings.SITE_URL},
        channel=channel,
        language=language,
    )


def _replan_step_reminders(beneficiary, contact, now):
    wants = beneficiary.step_reminders and contact is not None
    waiting = _waiting(beneficiary, [Kind.STEP_REMINDER])
    if wants:
        waiting = waiting.exclude(channel=contact[0])
    for notification in waiting:
        step = Step.objects.filter(pk=notification.topic.partition(":")[2]).first()
        notification.recipient = beneficiary
        _move(
            notification,
            contact if wants else None,
            lambda new_channel, step=step: (
                step and _step_content(step, new_channel, beneficiary.preferred_language)
            ),
        )
    today = timezone.localdate(now)
    if wants and timezone.localtime(now).hour >= settings.DAILY_NOTIFICATIONS_HOUR:
        # Turned on after today's run: today's nudges now (the daily run skips no one).
        write_step_reminders(today, beneficiaries=[beneficiary])


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def write_step_reminders(today, *, beneficiaries=None):
    """A nudge to people who asked for them, for their steps due in a few days (of these
    ``beneficiaries`` only, if given). A step already nudged on any channel is not again."""
    due_on = today + datetime.timedelta(days=settings.STEP_REMINDER_DAYS_BEFORE)
    steps = (
        Step.objects.pending()
        .filter(
            due_date=due_on,
            owner__in=[Step.Owner.BENEFICIARY, Step.Owner.TOGETHER],
            goal__in=Goal.objects.open(),
            goal__beneficiary__step_reminders=True,
            goal__beneficiary__in=Beneficiary.objects.followed(),
        )
        .select_related("goal__beneficiary")
    )
    if beneficiaries is not None:
        steps = steps.filter(goal__beneficiary__in=beneficiaries)
        nudged = Notification.objects.filter(
            kind=Kind.STEP_REMINDER,
            recipient_type__model="beneficiary",
            recipient_id__in=[b.pk for b in beneficiaries],
        ).exclude(status=Notification.Status.CANCELLED)
        steps = steps.exclude(
            pk__in=[int(t.partition(":")[2]) for t in nudged.values_list("topic", flat=True)]
        )
    steps = list(steps)
    contacts = reach({step.goal.beneficiary for step in steps})
    for step in steps:
        beneficiary = step.goal.beneficiary
        if beneficiary.pk not in contacts:
            continue
        channel, address = contacts[beneficiary.pk]
        outbox.write(
            key=f"step-reminder:{step.pk}:{channel}:{due_on.isoformat()}",
            kind=Kind.STEP_REMINDER,
            channel=channel,
            recipient=beneficiary,
            address=address,
            language=beneficiary.preferred_language,
            due_at=at(today, 10),
            topic=f"step:{step.pk}",
            content=_step_content(step, channel, beneficiary.preferred_language),
        )


def replan_on_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """Signal receiver: a saved file re-plans its messages (see ``replan``)."""
    if created or raw:
        return
    if update_fields is not None and not CHOICE_FIELDS & set(update_fields):
        return
    replan(instance)


def replan_on_consent(sender, instance, raw=False, **kwargs):
    """Signal receiver: the "reminders" consent given, withdrawn or removed re-plans."""
    if raw or instance.kind != Consent.Kind.REMINDERS:
        return
    if Beneficiary.objects.filter(pk=instance.beneficiary_id).exists():  # not while deleting
        replan(instance.beneficiary)


def is_paused(beneficiary, moment):
    until = beneficiary.reminders_paused_until
    return until is not None and timezone.localdate(moment) <= until


def reminder_times(appointment, beneficiary, now, *, reminded=False):
    """{label: due time} of the reminders the person should get for the appointment. One
    booked inside the reminder window gets those still ahead of it: the same morning when the
    person asked for it, else a short notice REMINDER_SHORT_NOTICE_HOURS before (unless a
    reminder already went: ``reminded``)."""
    times = {}
    before = appointment.starts_at - datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    if before > now:
        times[f"{settings.REMINDER_DAYS_BEFORE}d"] = before
    if beneficiary.same_morning_reminder:
        day = timezone.localdate(appointment.starts_at)
        morning = timezone.make_aware(datetime.datetime.combine(day, MORNING))
        if now < morning <= appointment.starts_at - datetime.timedelta(hours=1):
            times["morning"] = morning
    if not times and not reminded:
        short = appointment.starts_at - datetime.timedelta(
            hours=settings.REMINDER_SHORT_NOTICE_HOURS
        )
        # An SMS due in the quiet hours waits for their end: it must still come before.
        if short > now and outbox.after_quiet_hours(short) < appointment.starts_at:
            times["short"] = short
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
    reminders = Notification.objects.filter(
        topic=appointment.topic, kind=appointment.reminder_kind
    ).filter(recipient_type__model="beneficiary", recipient_id__in=[b.pk for b in beneficiaries])
    existing = {n.idempotency_key: n for n in reminders}
    reminded = {n.recipient_id for n in existing.values() if n.status == Notification.Status.SENT}
    wanted = {}
    for beneficiary in beneficiaries:
        if beneficiary.pk not in contacts:
            continue
        channel, address = contacts[beneficiary.pk]
        times = reminder_times(appointment, beneficiary, now, reminded=beneficiary.pk in reminded)
        for label, due_at in times.items():
            key = f"{appointment.kind}-reminder:{appointment.pk}:{beneficiary.pk}:{channel}:{label}"
            wanted[key] = (beneficiary, channel, address, due_at, label)
    outbox.cancel_pending(
        reminders.filter(pk__in=[n.pk for key, n in existing.items() if key not in wanted]),
        reason=str(NO_LONGER_WANTED),
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


DIGEST_KINDS = (Notification.Kind.ACCOMPANIER_DIGEST, Notification.Kind.COORDINATOR_DIGEST)
NO_DIGEST_WANTED = gettext_lazy("Ne veut plus recevoir le résumé.")


def still_wanted(notification):
    """The send-time check (registered with the outbox): None when the message may go, or why
    it may not."""
    model = _recipient_model(notification)
    if model == "user":
        user = (
            User.objects.filter(pk=notification.recipient_id)
            .only("is_active", "wants_digest")
            .first()
        )
        if user is None or not user.is_active:
            return _("Compte désactivé.")
        if notification.kind in DIGEST_KINDS and not user.wants_digest:
            return NO_DIGEST_WANTED
        return None
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
