"""The person's choices drive what is pending: a change of channel, consent, same-morning
choice or step nudges, by the person in "Mes choix" or by staff on the file, re-plans the
messages not yet sent (moved, added or cancelled with a reason), in the same transaction."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Session
from beneficiaries.models import Beneficiary, Consent
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import GoalFactory, StepFactory
from tests.accompaniment.test_reminders import schedule
from tests.accompaniment.test_sessions import local
from tests.beneficiaries.test_beneficiary_form import form_data
from tests.notifications.factories import reachable

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
PREFERENCES = reverse("accompaniment:portal_preferences")


def pending(person, kind=Kind.SESSION_REMINDER):
    return sorted(
        Notification.objects.for_recipient(person)
        .filter(kind=kind, status=Notification.Status.PENDING)
        .values_list("channel", "due_at")
    )


@pytest.fixture
def person(accompanier, beneficiary_of):
    return reachable(
        beneficiary_of(accompanier, with_account=True, email="lea@example.org", phone="0612345678")
    )


@pytest.fixture
def booked(client, accompanier, person):
    """Two appointments booked by SMS reminders."""
    first = schedule(client, accompanier, person)
    second = schedule(client, accompanier, person, starts_at=local(9).strftime("%Y-%m-%dT%H:%M"))
    client.logout()
    return [first, second]


def choose(client, person, **choices):
    client.force_login(person.user)
    data = {"reminder_channel": "sms", "preferred_language": "fr", **choices}
    return client.post(PREFERENCES, {k: v for k, v in data.items() if v is not False})


def test_switching_from_sms_to_email_moves_every_booked_reminder(client, person, booked):
    before = pending(person)
    assert [channel for channel, _due in before] == ["sms", "sms"]
    choose(client, person, reminder_channel="email")
    assert pending(person) == [("email", due) for _channel, due in before]
    cancelled = Notification.objects.for_recipient(person).filter(
        kind=Kind.SESSION_REMINDER, status=Notification.Status.CANCELLED
    )
    assert cancelled.count() == 2
    assert all("choix" in reason for reason in cancelled.values_list("last_error", flat=True))


def test_the_moved_reminders_are_sent_by_email_when_their_time_comes(
    client, person, booked, mailoutbox, sms_outbox
):
    choose(client, person, reminder_channel="email")
    Notification.objects.filter(status=Notification.Status.PENDING).update(due_at=timezone.now())
    outbox.dispatch()
    reminders = [m for m in mailoutbox if "Rappel" in m.subject or "rappel" in m.subject]
    assert len(reminders) == 2 and all(m.to == ["lea@example.org"] for m in reminders)
    assert [m for m in sms_outbox if "reminder" in m["key"]] == []


def test_switching_back_brings_the_sms_reminders_back(client, person, booked):
    before = pending(person)
    choose(client, person, reminder_channel="email")
    choose(client, person, reminder_channel="sms")
    assert pending(person) == before


def test_choosing_no_reminders_cancels_them_with_a_reason(client, person, booked):
    choose(client, person, reminder_channel="none")
    assert pending(person) == []
    assert (
        Notification.objects.filter(
            kind=Kind.SESSION_REMINDER, status=Notification.Status.CANCELLED
        )
        .exclude(last_error="")
        .count()
        == 2
    )


def test_turning_the_same_morning_reminder_on_and_off(client, person, booked):
    choose(client, person, same_morning_reminder="on")
    assert len(pending(person)) == 4
    choose(client, person)
    assert len(pending(person)) == 2


def test_staff_changing_the_channel_on_the_file_moves_the_reminders(
    client, accompanier, person, booked
):
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:beneficiary_update", args=[person.pk]),
        form_data(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date.isoformat(),
            phone="06 12 34 56 78",
            email="lea@example.org",
            reminder_channel="email",
            confirm_outside_public="on",
            confirm_not_duplicate="on",
            version=Beneficiary.objects.get(pk=person.pk).updated_at.isoformat(),
        ),
    )
    assert Beneficiary.objects.get(pk=person.pk).reminder_channel == "email"
    assert [channel for channel, _due in pending(person)] == ["email", "email"]


def test_a_consent_withdrawn_on_the_portal_cancels_and_given_back_restores(
    client, accompanier, person, booked
):
    before = pending(person)
    consent = Consent.objects.get(beneficiary=person, kind=Consent.Kind.REMINDERS)
    client.force_login(person.user)
    client.post(reverse("accompaniment:portal_consent_withdraw", args=[consent.pk]))
    assert pending(person) == []
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:beneficiary_consents", args=[person.pk]),
        {"reminders": "given", "data_processing": "", "partner_sharing": "", "research": ""},
    )
    assert pending(person) == before


def test_turning_step_nudges_on_writes_the_nudge_of_a_step_due_soon_and_off_cancels_it(
    client, person
):
    due = timezone.localdate() + datetime.timedelta(days=2)
    StepFactory(goal=GoalFactory(beneficiary=person), due_date=due, owner="beneficiary")
    choose(client, person, step_reminders="on")
    assert [channel for channel, _due in pending(person, Kind.STEP_REMINDER)] == ["sms"]
    choose(client, person, reminder_channel="email", step_reminders="on")
    assert [channel for channel, _due in pending(person, Kind.STEP_REMINDER)] == ["email"]
    choose(client, person, reminder_channel="email")
    assert pending(person, Kind.STEP_REMINDER) == []


def test_an_appointment_booked_tomorrow_gets_a_short_notice_a_few_hours_before(
    client, accompanier, person, settings
):
    session = schedule(
        client, accompanier, person, starts_at=local(1, hour=15).strftime("%Y-%m-%dT%H:%M")
    )
    due = session.starts_at - datetime.timedelta(hours=settings.REMINDER_SHORT_NOTICE_HOURS)
    assert pending(person) == [("sms", due)]


def test_an_appointment_booked_tomorrow_morning_gets_its_morning_reminder_only(
    client, accompanier, person
):
    Beneficiary.objects.filter(pk=person.pk).update(same_morning_reminder=True)
    session = schedule(
        client, accompanier, person, starts_at=local(1, hour=14).strftime("%Y-%m-%dT%H:%M")
    )
    morning = timezone.localtime(session.starts_at).replace(hour=8, minute=0)
    assert pending(person) == [("sms", morning)]


def test_mes_choix_shows_what_will_be_sent_by_which_channel_and_when(client, person, booked):
    client.force_login(person.user)
    page = client.get(PREFERENCES).text
    assert "Ce qui vous sera envoyé" in page
    assert page.count("Rappel de rendez-vous") >= 2
    assert "par SMS" in page


def test_a_landline_gets_no_sms_reminder(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier, phone="+33473123456"))
    schedule(client, accompanier, person)
    assert pending(person) == []
    assert Session.objects.count() == 1
