import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.calendar_feed import build_calendar, escape_text, fold, session_event
from accompaniment.models import CalendarFeed
from tests.accompaniment.factories import SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LONG_PLACE = (
    "Maison des solidarités, salle polyvalente du rez-de-chaussée, 12 rue Fontgiève, "
    "63000 Clermont-Ferrand ; entrée côté cour"
)


def feed_url(feed):
    return reverse("accompaniment:calendar_feed", args=[feed.token])


def unfold(text):
    return text.replace("\r\n ", "")


@pytest.fixture
def feed(accompanier):
    return CalendarFeed.objects.create(user=accompanier)


@pytest.fixture
def zoe_session(accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, first_name="Zoé", last_name="Aubertin")
    return SessionFactory(
        accompanier=accompanier,
        participants=[file],
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place=LONG_PLACE,
        private_notes="Dettes de loyer",
        shared_summary="Recettes de saison",
    )


def test_the_feed_is_a_valid_icalendar(client, feed, zoe_session):
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)  # every line ends with CRLF, no bare LF
    assert all(len(line) <= 75 for line in lines)
    text = unfold(body.decode())
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 1
    for prop in ("VERSION:2.0", "PRODID:", "UID:session-", "DTSTAMP:", "DTSTART:", "DTEND:"):
        assert prop in text


def test_long_lines_are_folded_and_unfold_to_the_place(client, feed, zoe_session):
    body = client.get(feed_url(feed)).content.decode()
    assert "\r\n " in body
    assert f"LOCATION:{escape_text(LONG_PLACE)}\r\n" in unfold(body)


def test_times_are_in_utc(accompanier, beneficiary_of):
    start = datetime.datetime(2031, 3, 10, 14, 30, tzinfo=PARIS)
    session = SessionFactory(
        accompanier=accompanier,
        participants=[beneficiary_of(accompanier)],
        starts_at=start,
        duration_minutes=90,
    )
    text = build_calendar([session_event(session, participants=[], details=True)], name="Test")
    assert "DTSTART:20310310T133000Z" in text and "DTEND:20310310T150000Z" in text
    assert f"UID:session-{session.pk}@" in text


def test_the_uid_of_an_event_is_stable(client, feed, zoe_session):
    first = client.get(feed_url(feed)).content.decode()
    second = client.get(feed_url(feed)).content.decode()
    uid = [line for line in first.split("\r\n") if line.startswith("UID:")]
    assert uid and uid == [line for line in second.split("\r\n") if line.startswith("UID:")]


def test_events_carry_a_first_name_and_initial_only(client, feed, zoe_session):
    text = unfold(client.get(feed_url(feed)).content.decode())
    assert "SUMMARY:Séance avec Zoé A." in text
    assert "Aubertin" not in text
    assert "Dettes de loyer" not in text and "Recettes de saison" not in text


def test_the_feed_holds_only_the_owners_events(
    client, feed, accompanier, other_accompanier, beneficiary_of
):
    mine = SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    theirs = SessionFactory(
        accompanier=other_accompanier, participants=[beneficiary_of(other_accompanier)]
    )
    workshop = WorkshopFactory(organiser=accompanier, title="Visite de ferme")
    WorkshopFactory(organiser=other_accompanier, title="Marché de Jaude")
    text = unfold(client.get(feed_url(feed)).content.decode())
    assert f"UID:session-{mine.pk}@" in text and f"UID:session-{theirs.pk}@" not in text
    assert f"UID:workshop-{workshop.pk}@" in text and "Marché de Jaude" not in text


def test_cancelled_sessions_leave_the_feed(client, feed, accompanier, beneficiary_of):
    cancelled = SessionFactory(
        accompanier=accompanier, participants=[beneficiary_of(accompanier)], cancelled=True
    )
    assert f"session-{cancelled.pk}@" not in client.get(feed_url(feed)).content.decode()


def test_with_the_setting_off_events_carry_only_the_time(client, settings, feed, zoe_session):
    settings.CALENDAR_FEED_SHOWS_DETAILS = False
    WorkshopFactory(organiser=feed.user, title="Atelier soupes", place="Cuisine partagée")
    text = unfold(client.get(feed_url(feed)).content.decode())
    assert "Zoé" not in text and "Fontgiève" not in text and "LOCATION" not in text
    assert "Atelier soupes" not in text and "Cuisine partagée" not in text
    assert text.count("SUMMARY:Rendez-vous Soli'dôme") == 2


def test_a_revoked_link_answers_404(client, feed, zoe_session):
    old_url = feed_url(feed)
    feed.revoke()
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(feed)).status_code == 200


def test_an_unknown_link_answers_404(client, feed):
    assert client.get(reverse("accompaniment:calendar_feed", args=["inconnu"])).status_code == 404


def test_the_feed_of_someone_no_longer_active_answers_404(client, feed):
    feed.user.is_active = False
    feed.user.save()
    assert client.get(feed_url(feed)).status_code == 404


def test_the_feed_needs_no_login(client, feed):
    response = client.get(feed_url(feed))
    assert response.status_code == 200 and "Content-Security-Policy" in response.headers


def test_escaping_of_text_values():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_folding_never_splits_a_character():
    lines = fold("SUMMARY:" + "é" * 100)
    assert all(len(line.encode()) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert (
        "".join(line[1:] if n else line for n, line in enumerate(lines)) == "SUMMARY:" + "é" * 100
    )


def test_the_subscription_page_shows_the_link_and_revokes_it(client, accompanier):
    client.force_login(accompanier)
    page = reverse("accompaniment:calendar_subscription")
    change = reverse("accompaniment:calendar_subscription_change")
    client.post(change, {"action": "create"})
    feed = CalendarFeed.objects.get(user=accompanier)
    response = client.get(page)
    assert f"http://testserver{feed_url(feed)}" in response.text
    assert "Révoquer et créer un nouveau lien" in response.text
    old_token = feed.token
    client.post(change, {"action": "revoke"})
    feed.refresh_from_db()
    assert feed.token != old_token
    assert f"http://testserver{feed_url(feed)}" in client.get(page).text


def test_sharing_can_be_stopped(client, accompanier, feed):
    client.force_login(accompanier)
    old_url = feed_url(feed)
    client.post(reverse("accompaniment:calendar_subscription_change"), {"action": "delete"})
    assert not CalendarFeed.objects.exists()
    assert client.get(old_url).status_code == 404


def test_the_feed_queries_do_not_grow(client, feed, accompanier, beneficiary_of):
    counts = []
    for batch in (5, 50):
        for _ in range(batch):
            SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
            WorkshopFactory(organiser=accompanier)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(feed_url(feed)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
