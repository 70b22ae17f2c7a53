import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Participation, Session, Theme
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import GoalFactory, SessionFactory

pytestmark = pytest.mark.django_db


def local(days, hour=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def session_data(**overrides):
    data = {
        "when": "planned",
        "kind": "individual",
        "modality": "in_person",
        "starts_at": local(2).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "place": "Local Soli'dôme",
        "themes": [Theme.objects.first().pk],
        "shared_summary": "",
        "private_notes": "",
        "next_steps": "",
    }
    data.update(overrides)
    return data


def edit_data(client, session, **overrides):
    """What the edit page would post back, with ``overrides`` typed in."""
    form = client.get(reverse("accompaniment:session_update", args=[session.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["starts_at"] = timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M")
    data = {key: value for key, value in data.items() if value is not None}
    data.update(overrides)
    return data


def test_recording_a_held_session_moves_the_last_contact(client, accompanier, beneficiary_of):
    file = beneficiary_of(
        accompanier, last_contact_on=timezone.localdate() - datetime.timedelta(30)
    )
    client.force_login(accompanier)
    yesterday = local(-1)
    response = client.post(
        reverse("accompaniment:session_create_for", args=[file.pk]),
        session_data(
            when="held",
            starts_at=yesterday.strftime("%Y-%m-%dT%H:%M"),
            private_notes="Inquiète pour son loyer.",
            shared_summary="Nous avons préparé trois recettes de saison.",
        ),
    )
    session = Session.objects.get()
    assert response.url == session.get_absolute_url()
    assert session.status == Session.Status.HELD and session.accompanier == accompanier
    assert session.private_notes == "Inquiète pour son loyer."
    assert session.shared_summary == "Nous avons préparé trois recettes de saison."
    assert session.participations.get().attendance == Participation.Attendance.PRESENT
    file.refresh_from_db()
    assert file.last_contact_on == yesterday.date()


def test_scheduling_a_future_session_leaves_the_last_contact(client, accompanier, beneficiary_of):
    before = timezone.localdate() - datetime.timedelta(days=30)
    file = beneficiary_of(accompanier, last_contact_on=before)
    client.force_login(accompanier)
    client.post(reverse("accompaniment:session_create_for", args=[file.pk]), session_data())
    session = Session.objects.get()
    assert session.status == Session.Status.PLANNED
    assert session.participations.get().attendance == Participation.Attendance.EXPECTED
    file.refresh_from_db()
    assert file.last_contact_on == before


def test_a_held_session_cannot_start_in_the_future(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:session_create_for", args=[file.pk]), session_data(when="held")
    )
    assert "starts_at" in response.context["form"].errors and not Session.objects.exists()


def test_a_planned_session_cannot_be_in_the_past(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    past = local(-3).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("accompaniment:session_create_for", args=[file.pk]),
        session_data(starts_at=past, private_notes="Mon texte"),
    )
    assert "starts_at" in response.context["form"].errors
    assert "Mon texte" in response.text


def test_the_session_page_of_a_file_prefills_the_person(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, first_name="Zoé", last_name="Aubert")
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:session_create_for", args=[file.pk]))
    assert "Nouvelle séance avec Zoé Aubert" in response.text
    assert "participants" not in response.context["form"].fields


def test_a_collective_session_gathers_several_files(client, accompanier, beneficiary_of):
    first, second = beneficiary_of(accompanier), beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:session_create"),
        session_data(kind="collective", modality="outing", participants=[first.pk, second.pk]),
    )
    session = Session.objects.get()
    assert session.kind == Session.Kind.COLLECTIVE
    assert set(session.participations.values_list("beneficiary", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_participants_are_chosen_among_visible_files_only(
    client, accompanier, other_accompanier, beneficiary_of
):
    mine, theirs = beneficiary_of(accompanier), beneficiary_of(other_accompanier, last_name="Zed")
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:session_create"))
    assert "Zed" not in response.text
    response = client.post(
        reverse("accompaniment:session_create"),
        session_data(kind="collective", participants=[mine.pk, theirs.pk]),
    )
    assert "participants" in response.context["form"].errors and not Session.objects.exists()


def test_an_individual_session_has_one_person(client, accompanier, beneficiary_of):
    first, second = beneficiary_of(accompanier), beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:session_create"),
        session_data(kind="individual", participants=[first.pk, second.pk]),
    )
    assert "participants" in response.context["form"].errors


def test_a_coordinator_chooses_who_leads(client, coordinator, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(coordinator)
    client.post(
        reverse("accompaniment:session_create_for", args=[file.pk]),
        session_data(accompanier=accompanier.pk),
    )
    assert Session.objects.get().accompanier == accompanier


def test_an_accompanier_cannot_choose_who_leads(
    client, accompanier, other_accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:session_create_for", args=[file.pk]),
        session_data(accompanier=other_accompanier.pk),
    )
    assert Session.objects.get().accompanier == accompanier


def test_goals_worked_on_are_those_of_the_person(client, accompanier, beneficiary_of):
    file, other = beneficiary_of(accompanier), beneficiary_of(accompanier)
    own_goal = GoalFactory(beneficiary=file, title="Cuisiner les légumineuses")
    foreign_goal = GoalFactory(beneficiary=other, title="Autre objectif")
    client.force_login(accompanier)
    url = reverse("accompaniment:session_create_for", args=[file.pk])
    page = client.get(url).text
    assert "Cuisiner les légumineuses" in page and "Autre objectif" not in page
    response = client.post(url, session_data(goals=[foreign_goal.pk]))
    assert "goals" in response.context["form"].errors
    client.post(url, session_data(goals=[own_goal.pk]))
    assert list(Session.objects.get().goals.all()) == [own_goal]


def test_a_concurrent_edit_is_refused_and_the_text_kept(client, accompanier, beneficiary_of):
    session = SessionFactory(
        accompanier=accompanier, participants=[beneficiary_of(accompanier)], private_notes="Avant"
    )
    client.force_login(accompanier)
    data = edit_data(client, session, private_notes="Mon long texte à garder")
    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now())  # someone else saved
    response = client.post(reverse("accompaniment:session_update", args=[session.pk]), data)
    assert response.context["form"].has_error("__all__", code="concurrent_edit")
    assert "Mon long texte à garder" in response.text
    assert Session.objects.get().private_notes == "Avant"


def test_an_edit_is_saved_and_journaled(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    session = SessionFactory(accompanier=accompanier, participants=[file])
    client.force_login(accompanier)
    data = edit_data(client, session, place="Marché Saint-Joseph")
    client.post(reverse("accompaniment:session_update", args=[session.pk]), data)
    assert Session.objects.get().place == "Marché Saint-Joseph"
    entry = AuditEntry.objects.about(file).filter(action=AuditEntry.Action.UPDATE).get()
    assert "place" in entry.params["fields"]


def test_an_edit_adds_a_participant_and_changes_attendance(client, accompanier, beneficiary_of):
    first, second = beneficiary_of(accompanier), beneficiary_of(accompanier)
    session = SessionFactory(accompanier=accompanier, participants=[first], kind="collective")
    participation = session.participations.get()
    client.force_login(accompanier)
    data = edit_data(
        client,
        session,
        participants=[first.pk, second.pk],
        **{f"attendance_{participation.pk}": Participation.Attendance.EXCUSED},
    )
    client.post(reverse("accompaniment:session_update", args=[session.pk]), data)
    attendances = dict(session.participations.values_list("beneficiary", "attendance"))
    assert attendances == {
        first.pk: Participation.Attendance.EXCUSED,
        second.pk: Participation.Attendance.EXPECTED,
    }


def test_cancelling_keeps_the_reason_and_the_last_contact(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, last_contact_on=None)
    session = SessionFactory(accompanier=accompanier, participants=[file])
    client.force_login(accompanier)
    client.post(reverse("accompaniment:session_cancel", args=[session.pk]), {"reason": "Malade"})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancellation_reason == "Malade"
    assert Beneficiary.objects.get().last_contact_on is None


def test_cancelling_needs_a_reason(client, accompanier, beneficiary_of):
    session = SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    client.force_login(accompanier)
    response = client.post(reverse("accompaniment:session_cancel", args=[session.pk]), {})
    assert "reason" in response.context["form"].errors
    assert Session.objects.get().status == Session.Status.PLANNED


def test_a_missed_session_marks_people_absent_without_contact(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, last_contact_on=None)
    session = SessionFactory(accompanier=accompanier, participants=[file], starts_at=local(-1))
    client.force_login(accompanier)
    client.post(reverse("accompaniment:session_missed", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.MISSED
    assert session.participations.get().attendance == Participation.Attendance.ABSENT
    assert Beneficiary.objects.get().last_contact_on is None


def test_a_future_session_cannot_be_missed(client, accompanier, beneficiary_of):
    session = SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    client.force_login(accompanier)
    client.post(reverse("accompaniment:session_missed", args=[session.pk]))
    assert Session.objects.get().status == Session.Status.PLANNED


def test_a_cancelled_session_cannot_be_edited(client, accompanier, beneficiary_of):
    session = SessionFactory(
        accompanier=accompanier, participants=[beneficiary_of(accompanier)], cancelled=True
    )
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:session_update", args=[session.pk]))
    assert response.url == session.get_absolute_url()


def test_recording_a_planned_session_moves_contact_of_present_people_only(
    client, accompanier, beneficiary_of
):
    came = beneficiary_of(accompanier, last_contact_on=None)
    stayed_home = beneficiary_of(accompanier, last_contact_on=None)
    session = SessionFactory(
        accompanier=accompanier,
        kind="collective",
        participants=[came, stayed_home],
        starts_at=local(-2),
    )
    absent = session.participations.get(beneficiary=stayed_home)
    client.force_login(accompanier)
    url = reverse("accompaniment:session_record", args=[session.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            f"attendance_{absent.pk}": Participation.Attendance.ABSENT,
            "shared_summary": "Visite du marché, paiement en Doume.",
            "private_notes": "Bonne dynamique de groupe.",
        }
    )
    client.post(url, data)
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert session.shared_summary == "Visite du marché, paiement en Doume."
    came.refresh_from_db()
    stayed_home.refresh_from_db()
    assert came.last_contact_on == local(-2).date()
    assert stayed_home.last_contact_on is None


def test_recording_with_nobody_present_is_refused(client, accompanier, beneficiary_of):
    session = SessionFactory(
        accompanier=accompanier, participants=[beneficiary_of(accompanier)], starts_at=local(-1)
    )
    participation = session.participations.get()
    client.force_login(accompanier)
    url = reverse("accompaniment:session_record", args=[session.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data[f"attendance_{participation.pk}"] = Participation.Attendance.ABSENT
    response = client.post(url, data)
    assert "manquée" in response.text
    assert Session.objects.get().status == Session.Status.PLANNED


def test_a_future_session_cannot_be_recorded_as_held(client, accompanier, beneficiary_of):
    session = SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:session_record", args=[session.pk]))
    assert response.url == session.get_absolute_url()


def test_the_detail_shows_notes_attendance_themes_and_goals(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, first_name="Zoé")
    goal = GoalFactory(beneficiary=file, title="Cuisiner trois fois par semaine")
    session = SessionFactory(
        accompanier=accompanier,
        participants=[file],
        held=True,
        private_notes="Confidentiel équipe",
        shared_summary="Résumé pour Zoé",
    )
    session.goals.add(goal)
    session.themes.add(Theme.objects.first())
    client.force_login(accompanier)
    page = client.get(session.get_absolute_url()).text
    for text in [
        "Confidentiel équipe",
        "Résumé pour Zoé",
        "Présent·e",
        "Cuisiner trois fois par semaine",
        str(Theme.objects.first()),
    ]:
        assert text in page


def test_opening_a_session_is_journaled_on_the_file(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    session = SessionFactory(accompanier=accompanier, participants=[file])
    client.force_login(accompanier)
    client.get(session.get_absolute_url())
    assert AuditEntry.objects.about(file).filter(action=AuditEntry.Action.READ).exists()


def test_my_sessions_lists_coming_ones_to_record_and_past(
    client, accompanier, other_accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    coming = SessionFactory(accompanier=accompanier, participants=[file])
    to_record = SessionFactory(accompanier=accompanier, participants=[file], starts_at=local(-1))
    past = SessionFactory(accompanier=accompanier, participants=[file], held=True)
    SessionFactory(accompanier=other_accompanier, participants=[beneficiary_of(other_accompanier)])
    client.force_login(accompanier)
    context = client.get(reverse("accompaniment:session_list")).context
    assert list(context["coming"]) == [coming]
    assert list(context["to_record"]) == [to_record]
    assert list(context["page"].object_list) == [past]


def test_the_sessions_of_one_person(client, accompanier, other_accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    mine = SessionFactory(accompanier=accompanier, participants=[file])
    SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    client.force_login(accompanier)
    url = reverse("accompaniment:session_list")
    assert list(client.get(url, {"beneficiaire": file.pk}).context["coming"]) == [mine]
    client.force_login(other_accompanier)
    assert client.get(url, {"beneficiaire": file.pk}).status_code == 404


def test_a_coordinator_sees_the_whole_programme(
    client, coordinator, accompanier, other_accompanier, beneficiary_of
):
    SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    SessionFactory(accompanier=other_accompanier, participants=[beneficiary_of(other_accompanier)])
    client.force_login(coordinator)
    url = reverse("accompaniment:session_list")
    assert len(client.get(url).context["coming"]) == 0  # their own by default
    assert len(client.get(url, {"accompanier": ""}).context["coming"]) == 2
    assert len(client.get(url, {"accompanier": accompanier.pk}).context["coming"]) == 1


def test_the_file_page_shows_the_next_appointment_and_a_new_session_link(
    client, accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    SessionFactory(accompanier=accompanier, participants=[file], starts_at=local(3, hour=14))
    SessionFactory(accompanier=accompanier, participants=[file], starts_at=local(9, hour=9))
    client.force_login(accompanier)
    page = client.get(file.get_absolute_url()).text
    assert "Prochain rendez-vous" in page
    assert reverse("accompaniment:session_create_for", args=[file.pk]) in page
    panel = Template("{% load session_panels %}{% next_appointment_panel file %}")
    rendered = panel.render(Context({"file": file}))
    assert "14:00" in rendered and "09:00" not in rendered


def test_a_closed_file_offers_no_new_session(client, accompanier, beneficiary_of):
    file = beneficiary_of(
        accompanier, status=Beneficiary.Status.CLOSED, exit_date=timezone.localdate()
    )
    client.force_login(accompanier)
    url = reverse("accompaniment:session_create_for", args=[file.pk])
    assert url not in client.get(file.get_absolute_url()).text
    assert client.get(url).status_code == 404


def test_the_session_list_queries_do_not_grow(client, accompanier, beneficiary_of):
    client.force_login(accompanier)
    counts = []
    for batch in (5, 50):
        for number in range(batch):
            file = beneficiary_of(accompanier)
            days = (number % 5) - 2
            SessionFactory(accompanier=accompanier, participants=[file], starts_at=local(days))
            SessionFactory(accompanier=accompanier, participants=[file], held=True)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accompaniment:session_list")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_active_themes_are_offered_and_saved(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    theme = Theme.objects.filter(is_active=True).first()
    client.force_login(accompanier)
    url = reverse("accompaniment:session_create_for", args=[file.pk])
    assert f'value="{theme.pk}"' in client.get(url).text
    client.post(url, session_data(themes=[theme.pk]))
    assert list(Session.objects.get().themes.all()) == [theme]


def test_the_sessions_page_proposes_a_collective_session(client, accompanier):
    client.force_login(accompanier)
    form = client.get(reverse("accompaniment:session_create")).context["form"]
    assert form["kind"].value() == Session.Kind.COLLECTIVE


def attendance_options(client, url):
    page = client.get(url).content.decode()
    select = page.split('name="attendance_', 1)[1].split("</select>", 1)[0]
    return [label.strip() for label in __import__("re").findall(r">([^<]+)</option>", select)]


@pytest.mark.parametrize("view", ["session_update", "session_record"])
def test_a_past_sessions_attendance_does_not_offer_expected(
    client, accompanier, beneficiary_of, view
):
    person = beneficiary_of(accompanier)
    started = timezone.now() - datetime.timedelta(hours=3)
    session = SessionFactory(accompanier=accompanier, participants=[person], starts_at=started)
    client.force_login(accompanier)
    options = attendance_options(client, reverse(f"accompaniment:{view}", args=[session.pk]))
    assert options == ["Présent·e", "Absent·e", "Excusé·e"]


def test_a_held_session_edited_keeps_no_expected_choice(client, accompanier, beneficiary_of):
    session = SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(accompanier)
    url = reverse("accompaniment:session_update", args=[session.pk])
    assert "Attendu·e" not in attendance_options(client, url)


def test_a_coming_sessions_attendance_still_offers_expected(client, accompanier, beneficiary_of):
    session = SessionFactory(accompanier=accompanier, participants=[beneficiary_of(accompanier)])
    client.force_login(accompanier)
    url = reverse("accompaniment:session_update", args=[session.pk])
    assert attendance_options(client, url)[0] == "Attendu·e"
