"""Calendar privacy: a home visit never puts an address in a staff feed; the person has their
own private feed of their appointments, checked with the ecosystem's parser (icalendar)."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import CalendarFeed, Registration, Session, Workshop
from tests.accompaniment.factories import RegistrationFactory, SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

HOME = "12 rue des Gras, 63000 Clermont-Ferrand, 3e étage"


def events(response):
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize("details", [True, False])
def test_a_home_visit_never_puts_the_address_in_a_staff_feed(
    client, settings, accompanier, beneficiary_of, details
):
    settings.CALENDAR_FEED_SHOWS_DETAILS = details
    person = beneficiary_of(accompanier, first_name="Inès", last_name="Bertrand")
    visit = SessionFactory(
        accompanier=accompanier,
        participants=[person],
        modality=Session.Modality.HOME_VISIT,
        place=HOME,
    )
    feed = CalendarFeed.objects.create(user=accompanier)
    response = client.get(reverse("accompaniment:calendar_feed", args=[feed.token]))
    event = events(response)[f"session-{visit.pk}@soli-dome.cresna"]
    assert str(event["SUMMARY"]) == "Visite à domicile"
    assert "LOCATION" not in event
    body = response.content.decode().replace("\r\n ", "")
    assert "rue des Gras" not in body and "Inès" not in body


@pytest.fixture
def person(beneficiary_user):
    return beneficiary_user.beneficiary_file


def test_the_person_creates_their_own_feed_and_subscribes(client, beneficiary_user, person):
    client.force_login(beneficiary_user)
    page = client.get(reverse("accompaniment:portal_appointments")).content.decode()
    assert reverse("accompaniment:portal_calendar") in page
    client.post(reverse("accompaniment:portal_calendar_change"), {"action": "create"})
    feed = CalendarFeed.objects.get(user=beneficiary_user)
    page = client.get(reverse("accompaniment:portal_calendar")).content.decode()
    assert feed.token in page and "webcal://" in page


def test_the_persons_feed_holds_their_appointments_only_and_shows_cancellations(
    client, accompanier, beneficiary_user, person, beneficiary_of
):
    coming = SessionFactory(accompanier=accompanier, participants=[person], place=HOME)
    cancelled = SessionFactory(accompanier=accompanier, participants=[person], cancelled=True)
    workshop = WorkshopFactory(title="Cuisine de saison")
    RegistrationFactory(workshop=workshop, beneficiary=person)
    gone = RegistrationFactory(beneficiary=person, status=Registration.Status.CANCELLED)
    cancelled_workshop = WorkshopFactory(status=Workshop.Status.CANCELLED)
    RegistrationFactory(workshop=cancelled_workshop, beneficiary=person)
    someone_else = beneficiary_of(accompanier, first_name="Zébulon")
    theirs = SessionFactory(accompanier=accompanier, participants=[someone_else])
    feed = CalendarFeed.objects.create(user=beneficiary_user)

    found = events(client.get(reverse("accompaniment:portal_calendar_feed", args=[feed.token])))

    uid = "{}-{}@soli-dome.cresna".format
    assert set(found) == {
        uid("session", coming.pk),
        uid("session", cancelled.pk),
        uid("workshop", workshop.pk),
        uid("workshop", cancelled_workshop.pk),
    }
    assert uid("session", theirs.pk) not in found and uid("workshop", gone.workshop_id) not in found
    assert str(found[uid("session", cancelled.pk)]["STATUS"]) == "CANCELLED"
    assert str(found[uid("workshop", cancelled_workshop.pk)]["STATUS"]) == "CANCELLED"
    assert str(found[uid("session", coming.pk)]["STATUS"]) == "CONFIRMED"
    assert found[uid("session", coming.pk)].decoded("DTSTART") == coming.starts_at.replace(
        microsecond=0
    )


def test_a_moved_appointment_moves_in_the_persons_feed(
    client, accompanier, beneficiary_user, person
):
    session = SessionFactory(accompanier=accompanier, participants=[person])
    feed = CalendarFeed.objects.create(user=beneficiary_user)
    url = reverse("accompaniment:portal_calendar_feed", args=[feed.token])
    session.starts_at = timezone.now() + datetime.timedelta(days=9)
    session.save()
    event = events(client.get(url))[f"session-{session.pk}@soli-dome.cresna"]
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)


def test_a_revoked_link_stops_working(client, beneficiary_user, person):
    client.force_login(beneficiary_user)
    client.post(reverse("accompaniment:portal_calendar_change"), {"action": "create"})
    old = CalendarFeed.objects.get(user=beneficiary_user).token
    client.post(reverse("accompaniment:portal_calendar_change"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("accompaniment:portal_calendar_feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(user=beneficiary_user).token
    assert client.get(reverse("accompaniment:portal_calendar_feed", args=[new])).status_code == 200


def test_a_closed_file_or_a_staff_token_gets_no_person_feed(
    client, accompanier, beneficiary_user, person
):
    staff_feed = CalendarFeed.objects.create(user=accompanier)
    url = reverse("accompaniment:portal_calendar_feed", args=[staff_feed.token])
    assert client.get(url).status_code == 404
    feed = CalendarFeed.objects.create(user=beneficiary_user)
    person.close(on=timezone.localdate(), reason="moved")
    url = reverse("accompaniment:portal_calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 404


def test_staff_get_404_on_the_persons_calendar_page(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:portal_calendar")).status_code == 404
