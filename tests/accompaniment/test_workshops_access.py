"""Who may open the workshop pages, and what they cost in queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Registration
from tests.accompaniment.factories import RegistrationFactory, ThemeFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(accompanier):
    """Yesterday's workshop, so that every page (attendance included) is open to staff."""
    return WorkshopFactory(
        organiser=accompanier, starts_at=timezone.now() - datetime.timedelta(days=1)
    )


@pytest.fixture
def registration(workshop, accompanier, beneficiary_of):
    return RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(accompanier))


GET_PAGES = [
    ("accompaniment:workshop_list", False),
    ("accompaniment:workshop_create", False),
    ("accompaniment:workshop_detail", True),
    ("accompaniment:workshop_update", True),
    ("accompaniment:workshop_cancel", True),
    ("accompaniment:workshop_sheet", True),
    ("accompaniment:workshop_attendance", True),
]


def url_of(name, takes_pk, workshop):
    return reverse(name, args=[workshop.pk] if takes_pk else [])


ORGANISER_PAGES = {"accompaniment:workshop_update", "accompaniment:workshop_cancel"}


@pytest.mark.parametrize(("name", "takes_pk"), GET_PAGES)
@pytest.mark.parametrize("persona", ["accompanier", "other_accompanier", "coordinator"])
def test_staff_open_every_workshop_page(client, request, workshop, persona, name, takes_pk):
    # Workshops are programme-wide: any staff member opens them, organiser or not; only the
    # organiser and coordinators change or cancel one (403 for a colleague, who sees it).
    client.force_login(request.getfixturevalue(persona))
    expected = 403 if persona == "other_accompanier" and name in ORGANISER_PAGES else 200
    assert client.get(url_of(name, takes_pk, workshop)).status_code == expected


@pytest.mark.parametrize(("name", "takes_pk"), GET_PAGES)
def test_beneficiary_gets_404_on_workshop_staff_pages(
    client, beneficiary_user, workshop, name, takes_pk
):
    client.force_login(beneficiary_user)
    assert client.get(url_of(name, takes_pk, workshop)).status_code == 404


@pytest.mark.parametrize(("name", "takes_pk"), GET_PAGES)
def test_anonymous_is_sent_to_the_login_page(client, workshop, name, takes_pk):
    response = client.get(url_of(name, takes_pk, workshop))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_steps_page_is_open_to_staff_once_attendance_is_taken(
    client, workshop, registration, accompanier, coordinator, other_accompanier
):
    client.force_login(accompanier)
    url = reverse("accompaniment:workshop_steps", args=[workshop.pk])
    assert client.get(url).status_code == 302  # no attendance yet: back to the workshop
    client.post(
        reverse("accompaniment:workshop_attendance", args=[workshop.pk]),
        {f"attendance_{registration.beneficiary_id}": "present"},
    )
    for user in (accompanier, coordinator, other_accompanier):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_beneficiary_and_anonymous_cannot_reach_the_steps_page(client, workshop, beneficiary_user):
    url = reverse("accompaniment:workshop_steps", args=[workshop.pk])
    assert client.get(url).status_code == 302
    client.force_login(beneficiary_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["accompaniment:workshop_register", "accompaniment:workshop_cancel"]
)
def test_beneficiary_cannot_post_to_workshop_actions(client, beneficiary_user, workshop, name):
    client.force_login(beneficiary_user)
    assert client.post(reverse(name, args=[workshop.pk])).status_code == 404


def test_beneficiary_cannot_unregister_even_themselves(client, beneficiary_user, workshop):
    registration = RegistrationFactory(
        workshop=workshop, beneficiary=beneficiary_user.beneficiary_file
    )
    client.force_login(beneficiary_user)
    url = reverse("accompaniment:registration_cancel", args=[registration.pk])
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_anonymous_cannot_unregister(client, registration):
    url = reverse("accompaniment:registration_cancel", args=[registration.pk])
    assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_unknown_workshop_is_a_404(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:workshop_detail", args=[999999])).status_code == 404


def test_list_shows_places_left_and_waiting_count(client, accompanier, beneficiary_of):
    workshop = WorkshopFactory(capacity=2, title="Marché Saint-Joseph")
    for status in ("registered", "registered", "waiting"):
        RegistrationFactory(
            workshop=workshop, beneficiary=beneficiary_of(accompanier), status=status
        )
    client.force_login(accompanier)
    listed = client.get(reverse("accompaniment:workshop_list")).context["coming"].get()
    assert (listed.places_left, listed.waiting_count) == (0, 1)


def test_list_separates_coming_and_past_workshops(client, accompanier):
    WorkshopFactory(title="Demain")
    WorkshopFactory(title="Hier", starts_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(accompanier)
    context = client.get(reverse("accompaniment:workshop_list")).context
    assert [w.title for w in context["coming"]] == ["Demain"]
    assert [w.title for w in context["page"]] == ["Hier"]


def make_workshops(count, accompanier, beneficiary_of):
    theme = ThemeFactory(name="Lien social")
    people = [beneficiary_of(accompanier) for _ in range(3)]
    for index in range(count):
        days = index + 1 if index % 2 else -index - 1
        workshop = WorkshopFactory(starts_at=timezone.now() + datetime.timedelta(days=days))
        workshop.themes.set([theme])
        for person in people:
            RegistrationFactory(workshop=workshop, beneficiary=person)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_workshop_list_queries_do_not_grow_with_the_number_of_workshops(
    client, accompanier, beneficiary_of
):
    client.force_login(accompanier)
    url = reverse("accompaniment:workshop_list")
    make_workshops(5, accompanier, beneficiary_of)
    few = count_queries(client, url)
    make_workshops(45, accompanier, beneficiary_of)
    assert count_queries(client, url) == few


def test_workshop_detail_queries_do_not_grow_with_the_number_of_registrations(
    client, accompanier, other_accompanier, beneficiary_of
):
    workshop = WorkshopFactory(capacity=40)
    client.force_login(accompanier)
    counts = []
    for batch in (3, 30):
        for index in range(batch):
            follower = accompanier if index % 2 else other_accompanier
            RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(follower))
        counts.append(count_queries(client, workshop.get_absolute_url()))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "name", ["accompaniment:workshop_register", "accompaniment:workshop_cancel"]
)
def test_anonymous_cannot_post_to_workshop_actions(client, workshop, name):
    response = client.post(reverse(name, args=[workshop.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    workshop.refresh_from_db()
    assert workshop.status == workshop.Status.OPEN
