"""Reminders and news of appointments, through the staff pages and services: (a) one reminder
per participant, (e) rescheduling and cancelling, (f) opt-out, consent and pause."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Goal, Participation, Registration, Session
from accompaniment.services.workshops import cancel_workshop, register, unregister
from beneficiaries.models import Beneficiary, Consent
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import StepFactory, WorkshopFactory
from tests.accompaniment.test_sessions import edit_data, local, session_data
from tests.notifications.factories import NotificationFactory, reachable

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def schedule(client, accompanier, person, **overrides):
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:session_create_for", args=[person.pk]),
        session_data(**{"starts_at": local(5).strftime("%Y-%m-%dT%H:%M"), **overrides}),
    )
    return Session.objects.latest("pk")


def kinds(person):
    return sorted(
        Notification.objects.for_recipient(person)
        .exclude(status=Notification.Status.CANCELLED)
        .values_list("kind", flat=True)
    )


def test_scheduling_writes_one_reminder_two_days_before_and_the_news(
    client, accompanier, beneficiary_of
):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    reminder = Notification.objects.get(kind=Kind.SESSION_REMINDER)
    assert (kinds(person), reminder.due_at) == (
        [Kind.APPOINTMENT_CREATED, Kind.SESSION_REMINDER],
        session.starts_at - datetime.timedelta(days=2),
    )


def test_the_news_of_a_new_appointment_is_sent_once(
    client, accompanier, beneficiary_of, sms_outbox
):
    person = reachable(beneficiary_of(accompanier, phone="06 12 34 56 78"))
    schedule(client, accompanier, person)
    outbox.dispatch()
    outbox.dispatch()
    assert [m["to"] for m in sms_outbox] == ["+33612345678"]


def test_the_reminder_goes_once_when_its_time_comes(
    client, accompanier, beneficiary_of, sms_outbox
):
    person = reachable(beneficiary_of(accompanier))
    schedule(client, accompanier, person)
    Notification.objects.update(due_at=timezone.now())  # two days later
    outbox.dispatch()
    outbox.dispatch()
    assert sorted(m["key"].split(":")[0] for m in sms_outbox) == [
        "session-appointment_created",
        "session-reminder",
    ]


def test_a_same_morning_reminder_for_those_who_want_it(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier, same_morning_reminder=True))
    schedule(client, accompanier, person)
    assert kinds(person).count(Kind.SESSION_REMINDER) == 2


def test_reminders_go_by_email_in_the_persons_language(client, accompanier, beneficiary_of):
    person = reachable(
        beneficiary_of(
            accompanier, reminder_channel="email", email="lea@example.org", preferred_language="en"
        )
    )
    schedule(client, accompanier, person)
    reminder = Notification.objects.get(kind=Kind.SESSION_REMINDER)
    assert (reminder.channel, reminder.address, reminder.language) == (
        "email",
        "lea@example.org",
        "en",
    )


def test_rescheduling_moves_the_reminder_without_a_second_one(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    later = local(9, hour=15)
    client.post(
        reverse("accompaniment:session_update", args=[session.pk]),
        edit_data(client, session, starts_at=later.strftime("%Y-%m-%dT%H:%M")),
    )
    reminders = Notification.objects.filter(kind=Kind.SESSION_REMINDER)
    assert [r.due_at for r in reminders] == [later - datetime.timedelta(days=2)]


def test_rescheduling_tells_the_person_the_new_time(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    client.post(
        reverse("accompaniment:session_update", args=[session.pk]),
        edit_data(client, session, starts_at=local(9, hour=15).strftime("%Y-%m-%dT%H:%M")),
    )
    changed = Notification.objects.get(kind=Kind.APPOINTMENT_CHANGED)
    assert "à 15h," in changed.body


def test_an_edit_that_does_not_move_the_session_sends_no_news(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    client.post(
        reverse("accompaniment:session_update", args=[session.pk]),
        edit_data(client, session, next_steps="Apporter ses tickets de caisse"),
    )
    assert not Notification.objects.filter(kind=Kind.APPOINTMENT_CHANGED).exists()


def test_cancelling_cancels_the_reminder_and_tells_the_person(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    outbox.dispatch()  # the news of the appointment left
    client.post(reverse("accompaniment:session_cancel", args=[session.pk]), {"reason": "Malade"})
    assert kinds(person) == [Kind.APPOINTMENT_CANCELLED, Kind.APPOINTMENT_CREATED]


def test_recording_a_held_session_writes_no_reminder(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:session_create_for", args=[person.pk]),
        session_data(when="held", starts_at=local(-1).strftime("%Y-%m-%dT%H:%M")),
    )
    assert kinds(person) == []


def test_a_person_who_chose_no_reminders_gets_none(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier, reminder_channel="none"))
    schedule(client, accompanier, person)
    assert kinds(person) == []


def test_without_the_reminders_consent_nothing_is_written(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    schedule(client, accompanier, person)
    assert kinds(person) == []


def test_a_consent_withdrawn_after_scheduling_stops_the_reminder(
    client, accompanier, beneficiary_of, sms_outbox
):
    person = reachable(beneficiary_of(accompanier))
    schedule(client, accompanier, person)
    Consent.objects.filter(beneficiary=person).update(is_given=False)
    Notification.objects.update(due_at=timezone.now())
    outbox.dispatch()
    assert sms_outbox == []


def test_a_paused_person_gets_no_reminder(client, accompanier, beneficiary_of, sms_outbox):
    person = reachable(beneficiary_of(accompanier))
    schedule(client, accompanier, person)
    person.reminders_paused_until = timezone.localdate() + datetime.timedelta(days=3)
    person.save()
    Notification.objects.filter(kind=Kind.SESSION_REMINDER).update(due_at=timezone.now())
    outbox.dispatch()
    assert [m["key"].split(":")[0] for m in sms_outbox] == ["session-appointment_created"]


def test_a_pause_does_not_hide_a_cancellation(client, accompanier, beneficiary_of, sms_outbox):
    person = reachable(beneficiary_of(accompanier))
    person.reminders_paused_until = timezone.localdate() + datetime.timedelta(days=30)
    person.save()
    session = schedule(client, accompanier, person)
    client.post(reverse("accompaniment:session_cancel", args=[session.pk]), {"reason": "Malade"})
    outbox.dispatch()
    assert "session-appointment_cancelled" in [m["key"].split(":")[0] for m in sms_outbox]


def test_a_workshop_sign_up_writes_the_reminder(accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    workshop = WorkshopFactory()
    register(workshop=workshop, beneficiary=person, by=accompanier)
    reminder = Notification.objects.get(kind=Kind.WORKSHOP_REMINDER)
    assert reminder.due_at == workshop.starts_at - datetime.timedelta(days=2)


def test_a_person_on_the_waiting_list_gets_no_reminder(accompanier, beneficiary_of):
    workshop = WorkshopFactory(capacity=1)
    register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)
    waiting = reachable(beneficiary_of(accompanier))
    register(workshop=workshop, beneficiary=waiting, by=accompanier)
    assert kinds(waiting) == []


def test_a_freed_place_brings_the_reminder_to_the_next_person(accompanier, beneficiary_of):
    workshop = WorkshopFactory(capacity=1)
    first = register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)
    waiting = reachable(beneficiary_of(accompanier))
    register(workshop=workshop, beneficiary=waiting, by=accompanier)
    unregister(registration=first, by=accompanier)
    assert Kind.WORKSHOP_REMINDER in kinds(waiting)


def test_unregistering_cancels_the_reminder(accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    registration = register(workshop=WorkshopFactory(), beneficiary=person, by=accompanier)
    unregister(registration=registration, by=accompanier)
    assert Kind.WORKSHOP_REMINDER not in kinds(person)


def test_cancelling_a_workshop_tells_the_people_registered(accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    workshop = WorkshopFactory(organiser=accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    cancel_workshop(workshop=workshop, by=accompanier)
    assert Kind.APPOINTMENT_CANCELLED in kinds(person)
    assert Kind.WORKSHOP_REMINDER not in kinds(person)


def test_moving_a_workshop_moves_the_reminders(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    workshop = WorkshopFactory(organiser=accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:workshop_update", args=[workshop.pk]),
        {
            "title": workshop.title,
            "starts_at": "2030-05-14T14:00",
            "duration_minutes": 120,
            "place": workshop.place,
            "capacity": 8,
            "organiser": accompanier.pk,
        },
    )
    reminder = Notification.objects.get(kind=Kind.WORKSHOP_REMINDER)
    assert timezone.localtime(reminder.due_at).date() == datetime.date(2030, 5, 12)


def test_renaming_a_workshop_updates_the_reminder_without_news(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    workshop = WorkshopFactory(organiser=accompanier, starts_at=local(7))
    register(workshop=workshop, beneficiary=person, by=accompanier)
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:workshop_update", args=[workshop.pk]),
        {
            "title": "Soupe de saison",
            "starts_at": timezone.localtime(workshop.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 120,
            "place": workshop.place,
            "capacity": 8,
            "organiser": accompanier.pk,
        },
    )
    reminder = Notification.objects.get(kind=Kind.WORKSHOP_REMINDER)
    assert "Soupe de saison" in reminder.body
    assert not Notification.objects.filter(kind=Kind.APPOINTMENT_CHANGED).exists()


def test_the_demo_has_its_coming_reminders_once(settings):
    from accompaniment.demo import seed_demo

    seed_demo()
    first = Notification.objects.count()
    seed_demo()
    assert first > 0 and Notification.objects.count() == first


def test_signing_up_again_brings_the_reminder_back(accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    workshop = WorkshopFactory()
    registration = register(workshop=workshop, beneficiary=person, by=accompanier)
    unregister(registration=registration, by=accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    assert kinds(person) == [Kind.APPOINTMENT_CREATED, Kind.WORKSHOP_REMINDER]


def test_a_waiting_sms_follows_the_persons_new_number():
    person = reachable(phone="06 12 34 56 78")
    waiting = NotificationFactory(recipient=person, address="+33612345678")
    person.phone = "07 98 76 54 32"
    person.save()
    waiting.refresh_from_db()
    assert waiting.address == "+33798765432"


def test_a_waiting_email_is_cancelled_when_the_address_is_removed():
    person = reachable(email="ines@example.net")
    waiting = NotificationFactory(recipient=person, email=True, address="ines@example.net")
    person.email = ""
    person.save()
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.CANCELLED


# Sent again from the outbox page, or waiting in the queue: a message goes where the person
# can be reached now, and only while what it speaks of still stands.


def send_again(client, coordinator, notification):
    client.force_login(coordinator)
    return client.post(
        reverse("notifications:notification_send_again", args=[notification.pk]), follow=True
    )


def test_a_failed_sms_sent_again_goes_to_the_corrected_number(client, coordinator, sms_outbox):
    person = reachable(phone="06 11 11 11 11")
    failed = NotificationFactory(recipient=person, address="+33611111111", failed=True)
    person.phone = "06 22 22 22 22"
    person.save()
    send_again(client, coordinator, failed)
    outbox.dispatch()
    assert [m["to"] for m in sms_outbox] == ["+33622222222"]


def test_a_message_without_an_address_now_is_not_sent_again(client, coordinator):
    person = reachable(email="ines@example.net", reminder_channel="email")
    failed = NotificationFactory(recipient=person, email=True, failed=True)
    person.email = ""
    person.save()
    response = send_again(client, coordinator, failed)
    assert "Ce message ne peut pas repartir : Plus d&#x27;adresse pour ce moyen." in response.text


def test_a_waiting_message_whose_address_vanished_is_cancelled_with_the_reason(sms_outbox):
    person = reachable(phone="06 12 34 56 78")
    waiting = NotificationFactory(recipient=person, address="+33612345678")
    Beneficiary.objects.filter(pk=person.pk).update(phone="")  # as an import would
    outbox.dispatch()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.last_error, sms_outbox) == (
        Notification.Status.CANCELLED,
        "Plus d'adresse pour ce moyen.",
        [],
    )


def test_the_reminder_of_a_cancelled_session_cannot_be_sent_again(
    client, coordinator, accompanier, beneficiary_of
):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    client.post(reverse("accompaniment:session_cancel", args=[session.pk]), {"reason": "Malade"})
    reminder = Notification.objects.get(kind=Kind.SESSION_REMINDER)
    send_again(client, coordinator, reminder)
    reminder.refresh_from_db()
    assert reminder.status == Notification.Status.CANCELLED


def test_a_reminder_of_a_session_no_longer_planned_is_dropped_when_due(
    client, accompanier, beneficiary_of, sms_outbox
):
    person = reachable(beneficiary_of(accompanier))
    session = schedule(client, accompanier, person)
    outbox.dispatch()  # the news of the appointment
    Session.objects.filter(pk=session.pk).update(status=Session.Status.MISSED)
    Notification.objects.filter(kind=Kind.SESSION_REMINDER).update(due_at=timezone.now())
    outbox.dispatch()
    assert [m["key"].split(":")[0] for m in sms_outbox] == ["session-appointment_created"]


def test_an_excused_person_gets_no_reminder_of_the_session(
    client, accompanier, beneficiary_of, sms_outbox
):
    person = reachable(beneficiary_of(accompanier))
    schedule(client, accompanier, person)
    Participation.objects.update(attendance=Participation.Attendance.EXCUSED)
    Notification.objects.update(due_at=timezone.now())
    outbox.dispatch()
    assert sms_outbox == []


def test_a_workshop_reminder_is_dropped_for_a_person_no_longer_registered(
    accompanier, beneficiary_of, sms_outbox
):
    person = reachable(beneficiary_of(accompanier))
    register(workshop=WorkshopFactory(), beneficiary=person, by=accompanier)
    Registration.objects.update(status=Registration.Status.WAITING)
    Notification.objects.update(due_at=timezone.now())
    outbox.dispatch()
    assert sms_outbox == []


def test_a_step_nudge_is_dropped_once_the_step_is_done(sms_outbox):
    person = reachable()
    step = StepFactory(goal__beneficiary=person)
    NotificationFactory(recipient=person, kind=Kind.STEP_REMINDER, topic=f"step:{step.pk}")
    step.set_done(True)
    outbox.dispatch()
    assert sms_outbox == []


def test_a_step_nudge_is_dropped_once_its_goal_is_closed(sms_outbox):
    person = reachable()
    step = StepFactory(goal__beneficiary=person)
    NotificationFactory(recipient=person, kind=Kind.STEP_REMINDER, topic=f"step:{step.pk}")
    Goal.objects.update(status=Goal.Status.DROPPED)
    outbox.dispatch()
    assert sms_outbox == []


def test_the_news_of_a_cancelled_workshop_still_goes(accompanier, beneficiary_of, sms_outbox):
    person = reachable(beneficiary_of(accompanier))
    workshop = WorkshopFactory(organiser=accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    cancel_workshop(workshop=workshop, by=accompanier)
    outbox.dispatch()
    assert "workshop-appointment_cancelled" in [m["key"].split(":")[0] for m in sms_outbox]


def test_reminders_stop_when_the_file_is_closed(client, accompanier, beneficiary_of, sms_outbox):
    person = reachable(beneficiary_of(accompanier))
    schedule(client, accompanier, person)
    outbox.dispatch()  # the news of the appointment
    sms_outbox.clear()
    person.refresh_from_db()
    person.close(on=timezone.localdate(), reason="other")
    Notification.objects.filter(kind=Kind.SESSION_REMINDER).update(due_at=timezone.now())
    outbox.dispatch()
    assert sms_outbox == []
