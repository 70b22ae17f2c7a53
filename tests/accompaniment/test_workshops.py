"""Workshops: sign-ups, waiting list, attendance and the plan steps it ticks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Goal, Participation, Registration, Session, Workshop
from accompaniment.services.workshops import register, take_attendance, unregister
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import (
    GoalFactory,
    RegistrationFactory,
    StepFactory,
    ThemeFactory,
    WorkshopFactory,
)
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(accompanier):
    return WorkshopFactory(organiser=accompanier, capacity=2, title="Cuisine de saison")


@pytest.fixture
def held_yesterday(accompanier):
    """A workshop that took place yesterday, on cooking, organised by ``accompanier``."""
    workshop = WorkshopFactory(
        organiser=accompanier,
        title="Cuisiner les légumes",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        duration_minutes=150,
        place="Cuisine partagée, Cournon",
    )
    workshop.themes.set([ThemeFactory(name="Compétences culinaires")])
    return workshop


def statuses(workshop):
    return [(r.beneficiary.first_name, r.status) for r in workshop.registrations.all()]


# Sign-ups and the waiting list


def test_registration_within_capacity_gets_a_place(workshop, accompanier, beneficiary_of):
    registration = register(
        workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier
    )
    assert registration.status == Registration.Status.REGISTERED


def test_the_person_beyond_capacity_goes_to_the_waiting_list(workshop, accompanier, beneficiary_of):
    for _ in range(workshop.capacity):
        register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)
    extra = register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)
    assert extra.status == Registration.Status.WAITING


def test_unregistering_promotes_the_first_waiting_person(workshop, accompanier, beneficiary_of):
    people = [beneficiary_of(accompanier, first_name=name) for name in "ABCD"]
    registrations = [register(workshop=workshop, beneficiary=b, by=accompanier) for b in people]

    promoted = unregister(registration=registrations[0], by=accompanier)

    assert [r.beneficiary.first_name for r in promoted] == ["C"]
    assert statuses(workshop) == [
        ("A", Registration.Status.CANCELLED),
        ("B", Registration.Status.REGISTERED),
        ("C", Registration.Status.REGISTERED),
        ("D", Registration.Status.WAITING),
    ]


def test_a_waiting_person_who_leaves_promotes_nobody(workshop, accompanier, beneficiary_of):
    people = [beneficiary_of(accompanier, first_name=name) for name in "ABCD"]
    registrations = [register(workshop=workshop, beneficiary=b, by=accompanier) for b in people]

    assert unregister(registration=registrations[2], by=accompanier) == []
    assert statuses(workshop) == [
        ("A", Registration.Status.REGISTERED),
        ("B", Registration.Status.REGISTERED),
        ("C", Registration.Status.CANCELLED),
        ("D", Registration.Status.WAITING),
    ]


def test_signing_up_again_reuses_the_row_at_the_end_of_the_queue(
    workshop, accompanier, beneficiary_of
):
    people = [beneficiary_of(accompanier, first_name=name) for name in "ABC"]
    first, *_ = [register(workshop=workshop, beneficiary=b, by=accompanier) for b in people]
    unregister(registration=first, by=accompanier)

    again = register(workshop=workshop, beneficiary=people[0], by=accompanier)

    assert again.pk == first.pk
    assert again.status == Registration.Status.WAITING
    assert [name for name, _ in statuses(workshop)] == ["B", "C", "A"]


def test_a_cancelled_workshop_takes_no_sign_up(accompanier, beneficiary_of):
    workshop = WorkshopFactory(status=Workshop.Status.CANCELLED)
    with pytest.raises(ValidationError):
        register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)


def test_signing_up_is_recorded_on_the_file(workshop, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    entry = AuditEntry.objects.about(person).get()
    assert (entry.actor, entry.action) == (accompanier, AuditEntry.Action.UPDATE)


def test_accompanier_signs_up_a_person_they_follow(client, workshop, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:workshop_register", args=[workshop.pk]),
        {"beneficiary": person.pk},
    )
    assert response.status_code == 302
    assert workshop.registrations.get().beneficiary == person


def test_accompanier_cannot_sign_up_someone_they_do_not_follow(
    client, workshop, accompanier, other_accompanier, beneficiary_of
):
    stranger = beneficiary_of(other_accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:workshop_register", args=[workshop.pk]),
        {"beneficiary": stranger.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["beneficiary"]
    assert not workshop.registrations.exists()


def test_a_registered_person_is_not_offered_again(client, workshop, accompanier, beneficiary_of):
    registered = beneficiary_of(accompanier, first_name="Déjà")
    beneficiary_of(accompanier, first_name="Libre")
    RegistrationFactory(workshop=workshop, beneficiary=registered)
    client.force_login(accompanier)
    form = client.get(workshop.get_absolute_url()).context["form"]
    assert [b.first_name for b in form.fields["beneficiary"].queryset] == ["Libre"]


def test_unregistering_from_the_page_promotes_the_first_waiting_person(
    client, workshop, accompanier, beneficiary_of
):
    people = [beneficiary_of(accompanier, first_name=name) for name in "ABC"]
    first, *_ = [register(workshop=workshop, beneficiary=b, by=accompanier) for b in people]
    client.force_login(accompanier)
    client.post(reverse("accompaniment:registration_cancel", args=[first.pk]))
    assert statuses(workshop)[1:] == [
        ("B", Registration.Status.REGISTERED),
        ("C", Registration.Status.REGISTERED),
    ]


def test_other_accompanier_cannot_unregister_a_person_they_do_not_follow(
    client, workshop, accompanier, other_accompanier, beneficiary_of
):
    registration = RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(accompanier))
    client.force_login(other_accompanier)
    response = client.post(reverse("accompaniment:registration_cancel", args=[registration.pk]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


# Who sees which names


def test_other_accompanier_sees_a_count_but_not_the_names_of_people_they_do_not_follow(
    client, workshop, accompanier, other_accompanier, beneficiary_of
):
    RegistrationFactory(
        workshop=workshop, beneficiary=beneficiary_of(accompanier, last_name="Vercingétorix")
    )
    RegistrationFactory(
        workshop=workshop, beneficiary=beneficiary_of(other_accompanier, last_name="Gergovie")
    )
    client.force_login(other_accompanier)
    response = client.get(workshop.get_absolute_url())
    assert "Vercingétorix" not in response.text
    assert "Gergovie" in response.text
    assert "2 personnes inscrites" in response.text


def test_the_attendance_sheet_leaves_a_blank_line_for_people_followed_by_colleagues(
    client, workshop, accompanier, other_accompanier, beneficiary_of
):
    RegistrationFactory(
        workshop=workshop, beneficiary=beneficiary_of(accompanier, last_name="Vercingétorix")
    )
    client.force_login(other_accompanier)
    response = client.get(reverse("accompaniment:workshop_sheet", args=[workshop.pk]))
    assert "Vercingétorix" not in response.text
    assert response.context["hidden_count"] == 1


def test_coordinator_sees_every_name(client, workshop, coordinator, accompanier, beneficiary_of):
    RegistrationFactory(
        workshop=workshop, beneficiary=beneficiary_of(accompanier, last_name="Vercingétorix")
    )
    client.force_login(coordinator)
    assert "Vercingétorix" in client.get(workshop.get_absolute_url()).text


def test_the_attendance_sheet_lists_registered_people_with_a_signature_column(
    client, workshop, accompanier, beneficiary_of
):
    RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(accompanier, last_name="Rey"))
    RegistrationFactory(
        workshop=workshop,
        beneficiary=beneficiary_of(accompanier, last_name="Attente"),
        status=Registration.Status.WAITING,
    )
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:workshop_sheet", args=[workshop.pk]))
    assert "REY" in response.text
    assert "ATTENTE" not in response.text
    assert "Signature" in response.text
    assert "css/print-sheet.css" in response.text


# Creating, editing and cancelling


def test_accompanier_creates_a_workshop_and_organises_it_by_default(client, accompanier):
    theme = ThemeFactory(name="Approvisionnement local")
    client.force_login(accompanier)
    form = client.get(reverse("accompaniment:workshop_create")).context["form"]
    assert form["organiser"].value() == accompanier.pk
    response = client.post(
        reverse("accompaniment:workshop_create"),
        {
            "title": "Visite de la ferme",
            "starts_at": "2030-05-14T14:00",
            "duration_minutes": 120,
            "place": "Ferme des Sauzes",
            "host": PartnerFactory(name="GAEC des Sauzes").pk,
            "capacity": 12,
            "themes": [theme.pk],
            "organiser": accompanier.pk,
        },
    )
    workshop = Workshop.objects.get(title="Visite de la ferme")
    assert response.url == workshop.get_absolute_url()
    assert list(workshop.themes.all()) == [theme]
    assert workshop.host.name == "GAEC des Sauzes"
    assert timezone.localtime(workshop.starts_at).hour == 14


def test_a_workshop_without_place_is_refused_and_keeps_what_was_typed(client, accompanier):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:workshop_create"),
        {"title": "Marché", "starts_at": "2030-05-14T14:00", "capacity": 0, "organiser": ""},
    )
    form = response.context["form"]
    assert set(form.errors) >= {"place", "capacity", "organiser"}
    assert 'value="Marché"' in response.text


def test_capacity_cannot_fall_below_the_people_registered(
    client, workshop, accompanier, beneficiary_of
):
    for _ in range(2):
        RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(accompanier))
    client.force_login(accompanier)
    data = {
        "title": workshop.title,
        "starts_at": "2030-05-14T14:00",
        "duration_minutes": 120,
        "place": workshop.place,
        "capacity": 1,
        "organiser": accompanier.pk,
    }
    response = client.post(reverse("accompaniment:workshop_update", args=[workshop.pk]), data)
    assert "capacity" in response.context["form"].errors


def test_more_places_promote_people_from_the_waiting_list(
    client, workshop, accompanier, beneficiary_of
):
    for name in "ABC":
        register(
            workshop=workshop,
            beneficiary=beneficiary_of(accompanier, first_name=name),
            by=accompanier,
        )
    client.force_login(accompanier)
    data = {
        "title": workshop.title,
        "starts_at": "2030-05-14T14:00",
        "duration_minutes": 120,
        "place": workshop.place,
        "capacity": 3,
        "organiser": accompanier.pk,
    }
    client.post(reverse("accompaniment:workshop_update", args=[workshop.pk]), data)
    assert [status for _, status in statuses(workshop)] == [Registration.Status.REGISTERED] * 3


def test_cancelling_a_workshop(client, workshop, coordinator):
    client.force_login(coordinator)
    url = reverse("accompaniment:workshop_cancel", args=[workshop.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED


def test_a_held_workshop_cannot_be_edited(client, accompanier):
    workshop = WorkshopFactory(status=Workshop.Status.HELD)
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:workshop_update", args=[workshop.pk]))
    assert response.status_code == 403


# Attendance


def attend(client, workshop, attendance):
    return client.post(
        reverse("accompaniment:workshop_attendance", args=[workshop.pk]),
        {f"attendance_{b.pk}": value for b, value in attendance.items()},
    )


def test_attendance_creates_one_held_collective_session_with_participations(
    client, held_yesterday, accompanier, beneficiary_of
):
    came, missed = beneficiary_of(accompanier), beneficiary_of(accompanier)
    for person in (came, missed):
        RegistrationFactory(workshop=held_yesterday, beneficiary=person)
    client.force_login(accompanier)

    attend(client, held_yesterday, {came: "present", missed: "excused"})

    session = Session.objects.get()
    assert (session.workshop, session.kind, session.status) == (
        held_yesterday,
        Session.Kind.COLLECTIVE,
        Session.Status.HELD,
    )
    assert (session.accompanier, session.starts_at, session.duration_minutes, session.place) == (
        accompanier,
        held_yesterday.starts_at,
        150,
        "Cuisine partagée, Cournon",
    )
    assert list(session.themes.all()) == list(held_yesterday.themes.all())
    assert dict(session.participations.values_list("beneficiary", "attendance")) == {
        came.pk: Participation.Attendance.PRESENT,
        missed.pk: Participation.Attendance.EXCUSED,
    }
    held_yesterday.refresh_from_db()
    assert held_yesterday.status == Workshop.Status.HELD


def test_attendance_moves_the_last_contact_of_people_present_only(
    client, held_yesterday, accompanier, beneficiary_of
):
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    came = beneficiary_of(accompanier, last_contact_on=long_ago)
    missed = beneficiary_of(accompanier, last_contact_on=long_ago)
    for person in (came, missed):
        RegistrationFactory(workshop=held_yesterday, beneficiary=person)
    client.force_login(accompanier)

    attend(client, held_yesterday, {came: "present", missed: "absent"})

    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.last_contact_on == timezone.localdate(held_yesterday.starts_at)
    assert missed.last_contact_on == long_ago


def test_attendance_offers_then_ticks_the_chosen_steps(
    client, held_yesterday, accompanier, beneficiary_of
):
    came, missed = beneficiary_of(accompanier), beneficiary_of(accompanier)
    for person in (came, missed):
        RegistrationFactory(workshop=held_yesterday, beneficiary=person)
    cooking = held_yesterday.themes.get()
    goal = GoalFactory(beneficiary=came, theme=cooking)
    chosen, left = StepFactory(goal=goal, title="Cuisiner un légume"), StepFactory(goal=goal)
    StepFactory(goal=GoalFactory(beneficiary=came, theme=ThemeFactory(name="Budget")))
    StepFactory(goal=GoalFactory(beneficiary=missed, theme=cooking))
    StepFactory(goal=GoalFactory(beneficiary=came, theme=cooking, achieved=True))
    client.force_login(accompanier)

    response = attend(client, held_yesterday, {came: "present", missed: "absent"})
    steps_url = reverse("accompaniment:workshop_steps", args=[held_yesterday.pk])
    assert response.url == steps_url
    offered = client.get(steps_url).context["form"].fields["steps"].queryset
    assert set(offered) == {chosen, left}

    client.post(steps_url, {"steps": [chosen.pk]})

    chosen.refresh_from_db()
    left.refresh_from_db()
    assert (chosen.is_done, chosen.done_on) == (True, timezone.localdate(held_yesterday.starts_at))
    assert left.is_done is False
    assert list(Session.objects.get().goals.all()) == [goal]
    goal.refresh_from_db()
    assert goal.status == Goal.Status.IN_PROGRESS  # its first step done: the goal has started


def test_a_step_of_an_absent_person_cannot_be_ticked(
    client, held_yesterday, accompanier, beneficiary_of
):
    missed = beneficiary_of(accompanier)
    RegistrationFactory(workshop=held_yesterday, beneficiary=missed)
    step = StepFactory(goal=GoalFactory(beneficiary=missed, theme=held_yesterday.themes.get()))
    client.force_login(accompanier)
    attend(client, held_yesterday, {missed: "absent"})

    response = client.post(
        reverse("accompaniment:workshop_steps", args=[held_yesterday.pk]), {"steps": [step.pk]}
    )

    assert response.context["form"].errors["steps"]
    step.refresh_from_db()
    assert step.is_done is False


def test_retaking_attendance_updates_the_same_session(
    client, held_yesterday, accompanier, beneficiary_of
):
    person = beneficiary_of(accompanier)
    RegistrationFactory(workshop=held_yesterday, beneficiary=person)
    client.force_login(accompanier)

    attend(client, held_yesterday, {person: "absent"})
    attend(client, held_yesterday, {person: "present"})

    session = Session.objects.get()
    assert list(session.participations.values_list("attendance", flat=True)) == ["present"]


def test_attendance_leaves_people_followed_by_colleagues_to_them(
    client, held_yesterday, accompanier, other_accompanier, beneficiary_of
):
    mine = beneficiary_of(other_accompanier)
    theirs = beneficiary_of(accompanier, last_name="Vercingétorix")
    for person in (mine, theirs):
        RegistrationFactory(workshop=held_yesterday, beneficiary=person)
    client.force_login(other_accompanier)

    response = client.get(reverse("accompaniment:workshop_attendance", args=[held_yesterday.pk]))
    assert [b for b, _ in response.context["form"].rows()] == [mine]
    assert "Vercingétorix" not in response.text
    attend(client, held_yesterday, {mine: "present"})

    assert dict(Session.objects.get().participations.values_list("beneficiary", "attendance")) == {
        mine.pk: Participation.Attendance.PRESENT,
        theirs.pk: Participation.Attendance.EXPECTED,
    }


def test_attendance_is_not_taken_before_the_day_of_the_workshop(workshop, accompanier):
    with pytest.raises(ValidationError):
        take_attendance(workshop=workshop, attendance={}, by=accompanier)
    assert not Session.objects.exists()


def test_a_missing_attendance_gets_a_message_next_to_the_person(
    client, held_yesterday, accompanier, beneficiary_of
):
    person = beneficiary_of(accompanier)
    RegistrationFactory(workshop=held_yesterday, beneficiary=person)
    client.force_login(accompanier)
    response = client.post(reverse("accompaniment:workshop_attendance", args=[held_yesterday.pk]))
    assert response.context["form"].errors[f"attendance_{person.pk}"]
    assert not Session.objects.exists()


def test_staff_unregistering_a_person_asks_for_confirmation_first(
    client, workshop, accompanier, beneficiary_of
):
    registration = RegistrationFactory(
        workshop=workshop, beneficiary=beneficiary_of(accompanier, first_name="Inès")
    )
    client.force_login(accompanier)
    url = reverse("accompaniment:registration_cancel", args=[registration.pk])
    assert f'href="{url}"' in client.get(workshop.get_absolute_url()).content.decode()
    question = client.get(url)
    assert question.status_code == 200 and "Désinscrire Inès" in question.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    client.post(url)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
