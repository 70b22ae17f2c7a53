import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accompaniment.factories import SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def next_monday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def first_of_next_month():
    today = timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)


def test_week_shows_my_sessions_and_workshops_not_others(
    client, accompanier, other_accompanier, beneficiary_of
):
    monday = next_monday()
    SessionFactory(
        accompanier=accompanier,
        participants=[beneficiary_of(accompanier, first_name="Mienne")],
        starts_at=at(monday + datetime.timedelta(days=2)),
    )
    SessionFactory(
        accompanier=other_accompanier,
        participants=[beneficiary_of(other_accompanier, first_name="Autrui")],
        starts_at=at(monday + datetime.timedelta(days=2)),
    )
    WorkshopFactory(organiser=accompanier, title="Soupes de saison", starts_at=at(monday, 18))
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:calendar_week"), {"date": monday.isoformat()}).text
    assert "Mienne" in page and "Soupes de saison" in page
    assert "Autrui" not in page


def test_week_highlights_today_and_links_the_neighbour_weeks(client, accompanier):
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:calendar_week"))
    monday = response.context["monday"]
    assert [day.is_today for day in response.context["days"]].count(True) == 1
    assert 'aria-current="date"' in response.text
    previous = (monday - datetime.timedelta(days=7)).isoformat()
    assert f"?date={previous}" in response.text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("view", ["calendar_week", "calendar_month"])
def test_a_day_outside_the_programme_years_shows_this_week_not_a_server_error(
    client, accompanier, view, day
):
    """Found by probing every page's query string: the week's bounds overflowed (500)."""
    client.force_login(accompanier)
    response = client.get(reverse(f"accompaniment:{view}"), {"date": day})
    assert response.status_code == 200
    assert timezone.localdate().strftime("%Y") in response.content.decode()


def test_cancelled_sessions_leave_the_calendar(client, accompanier, beneficiary_of):
    monday = next_monday()
    SessionFactory(
        accompanier=accompanier,
        participants=[beneficiary_of(accompanier, first_name="Annulée")],
        starts_at=at(monday),
        cancelled=True,
    )
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:calendar_week"), {"date": monday.isoformat()}).text
    assert "Annulée" not in page


def test_month_shows_my_sessions_not_others(client, accompanier, other_accompanier, beneficiary_of):
    first = first_of_next_month()
    mine = SessionFactory(
        accompanier=accompanier,
        participants=[beneficiary_of(accompanier, first_name="Mienne")],
        starts_at=at(first + datetime.timedelta(days=14)),
    )
    SessionFactory(
        accompanier=other_accompanier,
        participants=[beneficiary_of(other_accompanier, first_name="Autrui")],
        starts_at=at(first + datetime.timedelta(days=14)),
    )
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:calendar_month"), {"mois": f"{first:%Y-%m}"})
    assert "Mienne" in response.text and "Autrui" not in response.text
    assert mine.get_absolute_url() in response.text
    assert f"?mois={first_of_next_month() - datetime.timedelta(days=1):%Y-%m}" in response.text


def test_the_month_writes_each_appointment_once_for_every_screen(
    client, accompanier, beneficiary_of
):
    """It was written twice (a grid for wide screens, a list for phones): 225 lines for a busy
    month of the generated programme, twice the work for the server."""
    first = first_of_next_month()
    session = SessionFactory(
        accompanier=accompanier,
        participants=[beneficiary_of(accompanier)],
        starts_at=at(first + datetime.timedelta(days=3)),
    )
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:calendar_month"), {"mois": f"{first:%Y-%m}"})
    assert response.text.count(f'href="{session.get_absolute_url()}"') == 1


def test_an_unreadable_date_shows_the_current_period(client, accompanier):
    client.force_login(accompanier)
    week = client.get(reverse("accompaniment:calendar_week"), {"date": "demain"})
    month = client.get(reverse("accompaniment:calendar_month"), {"mois": "2025-13"})
    assert week.status_code == month.status_code == 200
    assert month.context["month"] == timezone.localdate().replace(day=1)


def test_coordinator_opens_an_accompaniers_calendar(
    client, coordinator, accompanier, beneficiary_of
):
    monday = next_monday()
    SessionFactory(
        accompanier=accompanier,
        participants=[beneficiary_of(accompanier, first_name="Suivie")],
        starts_at=at(monday),
    )
    client.force_login(coordinator)
    url = reverse("accompaniment:calendar_week")
    assert "Suivie" not in client.get(url, {"date": monday.isoformat()}).text
    page = client.get(url, {"date": monday.isoformat(), "accompanier": accompanier.pk}).text
    assert "Suivie" in page


def test_an_accompanier_cannot_open_a_colleagues_calendar(
    client, accompanier, other_accompanier, beneficiary_of
):
    monday = next_monday()
    SessionFactory(
        accompanier=other_accompanier,
        participants=[beneficiary_of(other_accompanier, first_name="Autrui")],
        starts_at=at(monday),
    )
    client.force_login(accompanier)
    url = reverse("accompaniment:calendar_week")
    page = client.get(url, {"date": monday.isoformat(), "accompanier": other_accompanier.pk}).text
    assert "Autrui" not in page


@pytest.mark.parametrize(
    "url_name",
    [
        "accompaniment:calendar_week",
        "accompaniment:calendar_month",
        "accompaniment:calendar_subscription",
    ],
)
def test_calendar_pages_are_for_staff(client, accompanier, coordinator, beneficiary_user, url_name):
    url = reverse(url_name)
    assert client.get(url).status_code == 302
    for user in (accompanier, coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(beneficiary_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("accompaniment:calendar_week", lambda: {"date": next_monday().isoformat()}),
        ("accompaniment:calendar_month", lambda: {"mois": f"{first_of_next_month():%Y-%m}"}),
    ],
)
def test_calendar_queries_do_not_grow(client, accompanier, beneficiary_of, url_name, params):
    client.force_login(accompanier)
    start = next_monday() if url_name.endswith("week") else first_of_next_month()
    counts = []
    for batch in (5, 50):
        for number in range(batch):
            SessionFactory(
                accompanier=accompanier,
                participants=[beneficiary_of(accompanier)],
                starts_at=at(start + datetime.timedelta(days=number % 6), 8 + number % 10),
            )
            WorkshopFactory(organiser=accompanier, starts_at=at(start, 18))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name), params()).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_busy_day_of_the_month_shows_its_first_events_and_links_to_its_week(
    client, accompanier, beneficiary_of
):
    from accompaniment.views.calendar import MONTH_DAY_EVENTS

    person = beneficiary_of(accompanier)
    day = timezone.localdate().replace(day=15)
    for hour in range(8, 8 + MONTH_DAY_EVENTS + 2):
        SessionFactory(
            accompanier=accompanier,
            participants=[person],
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
        )
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:calendar_month"))
    [busy] = [d for week in response.context["weeks"] for d in week if d.date == day]
    week_link = f"{reverse('accompaniment:calendar_week')}?date={day:%Y-%m-%d}"
    assert (len(busy.events), busy.more_count, week_link in response.text) == (
        MONTH_DAY_EVENTS,
        2,
        True,
    )


def held_workshop(accompanier, beneficiary_of, starts_at):
    """A workshop whose attendance was taken: it became a held collective session too."""
    from accompaniment.models import Participation
    from accompaniment.services.workshops import register, take_attendance

    workshop = WorkshopFactory(organiser=accompanier, title="Soupes de saison", starts_at=starts_at)
    person = beneficiary_of(accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    take_attendance(
        workshop=workshop, attendance={person.pk: Participation.Attendance.PRESENT}, by=accompanier
    )
    return workshop


def test_a_held_workshop_shows_once_in_the_week(client, accompanier, beneficiary_of):
    last_monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    held_workshop(accompanier, beneficiary_of, at(last_monday, 18))
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:calendar_week"), {"date": last_monday.isoformat()})
    events = [event for day in response.context["days"] for event in day.events]
    assert [(event.title, event.is_workshop) for event in events] == [("Soupes de saison", True)]
    assert events[0].status_label == "Réalisé"


def test_a_held_workshop_is_one_event_of_the_calendar_feed(accompanier, beneficiary_of):
    from accompaniment.calendar_feed import feed_events

    held_workshop(accompanier, beneficiary_of, timezone.now() - datetime.timedelta(days=3))
    assert len(feed_events(accompanier)) == 1
