import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import ExitReview, GoalChange, Note, Session
from accompaniment.templatetags.plan_panels import TIMELINE_PANEL_SIZE
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import (
    GoalFactory,
    NoteFactory,
    SessionFactory,
    StepFactory,
    SupportFactory,
)
from tests.partners.factories import PartnerFactory
from tests.utils import recent_events

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def file(accompanier, beneficiary_of):
    return beneficiary_of(accompanier, last_contact_on=None)


def days_ago(days, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def timeline_titles(response):
    return [entry.title for entry in response.context["entries"]]


def test_the_timeline_lists_the_file_events_newest_first(client, accompanier, file):
    SessionFactory(
        participants=[file],
        held=True,
        starts_at=days_ago(10),
        modality=Session.Modality.PHONE,
        private_notes="Fatigue, à revoir ensemble",
        shared_summary="Liste de courses préparée",
    )
    SessionFactory(participants=[file], starts_at=days_ago(-3), place="Marché Saint-Joseph")
    SessionFactory(participants=[file], cancelled=True, starts_at=days_ago(8))
    goal = GoalFactory(beneficiary=file, title="Cuisiner le soir")
    change = GoalChange.objects.create(
        goal=goal, from_status="", to_status="to_start", by=accompanier
    )
    GoalChange.objects.filter(pk=change.pk).update(at=days_ago(6))
    NoteFactory(beneficiary=file, text="Appel : tout va bien", happened_on=days_ago(4).date())
    ExitReview.objects.create(
        beneficiary=file,
        closed_on=days_ago(1).date(),
        goals_outcome=ExitReview.GoalsOutcome.SOME,
        what_changed="Cuisine plus souvent",
        written_by=accompanier,
    )
    SessionFactory(participants=[file], held=True, starts_at=days_ago(20))

    client.force_login(accompanier)
    response = recent_events(client, file)
    kinds = [entry.kind for entry in response.context["entries"]]
    assert kinds == [
        "session",  # planned in 3 days
        "exit_review",
        "note",
        "goal_change",
        "session",  # cancelled
        "session",  # held, 10 days ago
        "session",  # 20 days ago
    ]
    sorted_keys = sorted((e.sort_key for e in response.context["entries"]), reverse=True)
    assert [e.sort_key for e in response.context["entries"]] == sorted_keys
    page = response.text.split('<section id="timeline"')[1]
    assert page.index("Cuisine plus souvent") < page.index("Appel : tout va bien")
    assert page.index("Appel : tout va bien") < page.index("Cuisiner le soir")
    assert "Fatigue, à revoir ensemble" in page
    assert "Liste de courses préparée" in page
    assert "Annulée" in page


def test_private_notes_are_marked_for_the_team_only(client, accompanier, file):
    SessionFactory(participants=[file], held=True, private_notes="Situation fragile")
    client.force_login(accompanier)
    entry = recent_events(client, file).context["entries"][0]
    assert entry.private_details == [("Notes privées", "Situation fragile")]


def test_the_timeline_shows_only_this_files_events(client, accompanier, file, beneficiary_of):
    other = beneficiary_of(accompanier)
    SessionFactory(participants=[other], private_notes="Pas pour ce dossier")
    NoteFactory(beneficiary=other, text="Note d'un autre dossier")
    client.force_login(accompanier)
    page = recent_events(client, file).text
    assert "Pas pour ce dossier" not in page
    assert "Note d'un autre dossier" not in page


def test_the_file_page_shows_the_latest_events_and_links_to_the_whole_history(
    client, accompanier, file
):
    for day in range(TIMELINE_PANEL_SIZE + 5):
        NoteFactory(beneficiary=file, text=f"Note {day}", happened_on=days_ago(day).date())
    client.force_login(accompanier)
    recent = reverse("accompaniment:timeline_recent", args=[file.pk])
    whole = reverse("accompaniment:plan_timeline", args=[file.pk])
    page = client.get(file.get_absolute_url()).text
    assert f'data-hx-get="{recent}"' in page and whole in page
    response = recent_events(client, file)
    assert len(response.context["entries"]) == TIMELINE_PANEL_SIZE
    assert whole in response.text
    response = client.get(whole)
    assert len(response.context["entries"]) == TIMELINE_PANEL_SIZE + 5


def test_the_whole_history_comes_page_by_page_without_losing_an_event(client, accompanier, file):
    from accompaniment.views.plans import TIMELINE_PAGE_SIZE

    for day in range(TIMELINE_PAGE_SIZE + 3):
        NoteFactory(beneficiary=file, text=f"Note {day}", happened_on=days_ago(day).date())
    client.force_login(accompanier)
    whole = reverse("accompaniment:plan_timeline", args=[file.pk])
    first, second = client.get(whole), client.get(whole, {"page": 2})
    texts = [entry.text for response in (first, second) for entry in response.context["entries"]]
    assert (len(first.context["entries"]), first.context["older_page"], len(set(texts))) == (
        TIMELINE_PAGE_SIZE,
        2,
        TIMELINE_PAGE_SIZE + 3,
    )


def test_a_huge_page_number_shows_an_empty_page_not_a_server_error(client, accompanier, file):
    """Found by probing every page's query string: the offset overflowed PostgreSQL (500)."""
    client.force_login(accompanier)
    whole = reverse("accompaniment:plan_timeline", args=[file.pk])
    response = client.get(whole, {"page": "99999999999999999999"})
    assert (response.status_code, response.context["entries"]) == (200, [])


def test_outside_htmx_the_latest_events_lead_to_the_whole_history(client, accompanier, file):
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:timeline_recent", args=[file.pk]))
    assert response.url == reverse("accompaniment:plan_timeline", args=[file.pk])


def test_loading_the_latest_events_is_logged(client, accompanier, file):
    client.force_login(accompanier)
    recent_events(client, file)
    entry = AuditEntry.objects.about(file).get()
    assert (entry.actor, entry.action) == (accompanier, AuditEntry.Action.READ)


def test_reading_the_whole_history_is_logged(client, accompanier, file):
    client.force_login(accompanier)
    client.get(reverse("accompaniment:plan_timeline", args=[file.pk]))
    entry = AuditEntry.objects.about(file).get()
    assert (entry.actor, entry.action) == (accompanier, AuditEntry.Action.READ)


# Notes ----------------------------------------------------------------------------------


def test_staff_add_a_note_from_the_file(client, accompanier, file):
    client.force_login(accompanier)
    url = reverse("accompaniment:note_create", args=[file.pk])
    assert f'href="{url}"' in client.get(file.get_absolute_url()).text
    assert f'action="{url}"' in recent_events(client, file).text
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url, {"note-text": "Message laissé", "note-happened_on": yesterday})
    assert response.url == f"{file.get_absolute_url()}#timeline"
    note = Note.objects.get(beneficiary=file)
    assert (note.text, note.happened_on, note.author) == ("Message laissé", yesterday, accompanier)
    file.refresh_from_db()
    assert file.last_contact_on is None


def test_a_note_marked_as_an_exchange_counts_as_a_contact(client, accompanier, file):
    client.force_login(accompanier)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.post(
        reverse("accompaniment:note_create", args=[file.pk]),
        {"note-text": "Appel", "note-happened_on": yesterday, "note-is_contact": "on"},
    )
    file.refresh_from_db()
    assert file.last_contact_on == yesterday


def test_an_older_contact_note_does_not_move_the_last_contact_back(client, accompanier, file):
    today = timezone.localdate()
    file.record_contact(on=today)
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:note_create", args=[file.pk]),
        {
            "note-text": "Appel",
            "note-happened_on": today - datetime.timedelta(days=9),
            "note-is_contact": "on",
        },
    )
    file.refresh_from_db()
    assert file.last_contact_on == today


def test_a_note_in_the_future_is_refused_and_its_text_kept(client, accompanier, file):
    client.force_login(accompanier)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("accompaniment:note_create", args=[file.pk]),
        {"note-text": "Rendez-vous prévu", "note-happened_on": tomorrow},
    )
    assert response.context["form"].errors["happened_on"]
    assert "Rendez-vous prévu" in response.text
    assert not Note.objects.exists()


def test_with_htmx_a_note_refreshes_the_timeline_panel(client, accompanier, file):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:note_create", args=[file.pk]),
        {"note-text": "Passage au local", "note-happened_on": timezone.localdate()},
        **HTMX,
    )
    assert '<section id="timeline"' in response.text
    assert "<html" not in response.text
    assert timeline_titles(response) == ["Note de l'équipe"]
    assert "Passage au local" in response.text


def test_adding_a_note_is_recorded_in_the_journal(client, accompanier, file):
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:note_create", args=[file.pk]),
        {"note-text": "Appel", "note-happened_on": timezone.localdate()},
    )
    entry = AuditEntry.objects.about(file).get()
    assert (entry.actor, entry.action) == (accompanier, AuditEntry.Action.UPDATE)


TIMELINE_URLS = [
    ("accompaniment:note_create", "get"),
    ("accompaniment:note_create", "post"),
    ("accompaniment:plan_timeline", "get"),
    ("accompaniment:timeline_recent", "get"),
]


def send(client, name, method, beneficiary):
    url = reverse(name, args=[beneficiary.pk])
    if method == "post":
        return client.post(url, {"note-text": "Appel", "note-happened_on": timezone.localdate()})
    return client.get(url, **HTMX)


@pytest.mark.parametrize("persona", ["accompanier", "coordinator"])
@pytest.mark.parametrize(("name", "method"), TIMELINE_URLS)
def test_assigned_accompanier_and_coordinator_may_use_notes_and_history(
    client, request, file, persona, name, method
):
    client.force_login(request.getfixturevalue(persona))
    assert send(client, name, method, file).status_code in (200, 302)


@pytest.mark.parametrize(("name", "method"), TIMELINE_URLS)
def test_other_accompanier_gets_404(client, other_accompanier, file, name, method):
    client.force_login(other_accompanier)
    assert send(client, name, method, file).status_code == 404
    assert not Note.objects.exists()


@pytest.mark.parametrize(("name", "method"), TIMELINE_URLS)
def test_beneficiary_gets_404_on_notes_and_history(
    client, accompanier, beneficiary_of, name, method
):
    own = beneficiary_of(accompanier, with_account=True)
    client.force_login(own.user)
    assert send(client, name, method, own).status_code == 404


@pytest.mark.parametrize(("name", "method"), TIMELINE_URLS)
def test_anonymous_is_sent_to_login(client, file, name, method):
    response = send(client, name, method, file)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# Bounded queries ------------------------------------------------------------------------


def fill_file(beneficiary, accompanier, count):
    """``count`` goals (some closed), steps, sessions, goal changes, notes and supports."""
    partner = PartnerFactory()
    for index in range(count):
        goal = GoalFactory(beneficiary=beneficiary, achieved=index % 3 == 0)
        StepFactory(goal=goal)
        StepFactory(goal=goal, done=True)
        GoalChange.objects.create(goal=goal, from_status="", to_status="to_start", by=accompanier)
        SessionFactory(participants=[beneficiary], held=True, private_notes="Notes")
        NoteFactory(beneficiary=beneficiary, is_contact=index % 2 == 0)
        SupportFactory(beneficiary=beneficiary, doume=index % 2 == 0, partner=partner)


@pytest.mark.parametrize("persona", ["accompanier", "coordinator"])
@pytest.mark.parametrize("panel", [False, True], ids=["file page", "latest events"])
def test_file_page_queries_do_not_grow_with_the_plan_and_timeline(
    client, request, accompanier, beneficiary_of, persona, panel
):
    client.force_login(request.getfixturevalue(persona))
    counts = []
    for count in (5, 50):
        beneficiary = beneficiary_of(accompanier)
        fill_file(beneficiary, accompanier, count)
        url = beneficiary.get_absolute_url()
        if panel:
            url = reverse("accompaniment:timeline_recent", args=[beneficiary.pk])
        client.get(url, **HTMX)  # warm the caches (content types…)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **HTMX)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 15
