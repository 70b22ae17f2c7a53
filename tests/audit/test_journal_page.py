"""Issue 10, point 6: every staff read of a file is journaled, edit forms included; entries
read as plain sentences in the reader's language; coordinators filter and export the journal."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soli_dome.audit.models import AuditEntry, record
from tests.accompaniment.factories import SessionFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

JOURNAL_URL = reverse("audit:journal")
EXPORT_URL = reverse("audit:journal_export")


@pytest.fixture
def person(accompanier, beneficiary_of):
    return beneficiary_of(accompanier, first_name="Inès", last_name="Durand")


def events_about(person):
    return list(AuditEntry.objects.about(person).values_list("event", flat=True))


@pytest.mark.parametrize(
    ("url_name", "event"),
    [
        ("beneficiaries:beneficiary_update", "file.edit_opened"),
        ("beneficiaries:beneficiary_consents", "file.consents_opened"),
        ("accompaniment:goal_create", "file.plan_form_opened"),
        ("accompaniment:note_create", "file.note_form_opened"),
        ("accompaniment:support_create", "file.support_form_opened"),
        ("accompaniment:referral_create", "file.referral_form_opened"),
        ("accompaniment:file_close", "file.closing_opened"),
        ("accompaniment:session_create_for", "file.session_form_opened"),
    ],
)
def test_opening_a_form_of_a_file_is_journaled(client, accompanier, person, url_name, event):
    client.force_login(accompanier)
    assert client.get(reverse(url_name, args=[person.pk])).status_code == 200
    assert events_about(person) == [event]


@pytest.mark.parametrize("url_name", ["session_update", "session_cancel"])
def test_opening_a_session_form_is_journaled_for_each_participant(
    client, accompanier, person, url_name
):
    session = SessionFactory(accompanier=accompanier, participants=[person])
    client.force_login(accompanier)
    assert client.get(reverse(f"accompaniment:{url_name}", args=[session.pk])).status_code == 200
    assert events_about(person) == ["session.form_opened"]


def test_saving_a_form_journals_the_change_not_a_second_read(client, accompanier, person):
    client.force_login(accompanier)
    url = reverse("accompaniment:note_create", args=[person.pk])
    client.post(url, {"note-text": "Appel pour le budget.", "note-is_contact": ""})
    assert "file.note_form_opened" not in events_about(person)


def test_the_journal_reads_as_sentences_without_ids(client, coordinator, accompanier, person):
    session = SessionFactory(
        accompanier=accompanier,
        participants=[person],
        starts_at=datetime.datetime(2026, 3, 4, 13, 30, tzinfo=datetime.UTC),
    )
    client.force_login(accompanier)
    client.get(session.get_absolute_url())
    client.force_login(coordinator)
    page = client.get(JOURNAL_URL).content.decode()
    assert "Consultation de la séance du 4 mars 2026 14:30" in page
    assert f"session {session.pk}" not in page


def test_the_journal_reads_in_english_in_english(client, coordinator, person, accompanier):
    record(
        actor=accompanier,
        action=AuditEntry.Action.UPDATE,
        target=person,
        event="file.updated",
        fields=["phone", "commune"],
    )
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(JOURNAL_URL).content.decode()
    assert "File changed: phone" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(JOURNAL_URL).content.decode()
    assert "Modification du dossier : téléphone" in page


@pytest.mark.parametrize(
    ("action", "detail", "sentence"),
    [
        ("update", "support added #14 (voucher)", "Aide ajoutée : "),
        ("read", "session 34: read", "Consultation de la séance du (date non conservée)"),
        ("read", "", "Consultation du dossier"),
        ("update", "reminders resumed", "Reprise des rappels"),
        ("update", "something no one wrote", "Modification"),
    ],
)
def test_entries_written_before_events_read_as_sentences_too(
    accompanier, person, action, detail, sentence
):
    entry = record(actor=accompanier, action=action, target=person, detail=detail)
    assert entry.sentence.startswith(sentence)
    assert "#" not in entry.sentence


def test_filters_by_period_staff_member_file_and_kind(client, coordinator, accompanier, person):
    other = BeneficiaryFactory(accompanied_by=accompanier, first_name="Marc", last_name="Roux")
    colleague = UserFactory(accompanier=True)
    record(actor=accompanier, action="read", target=person, event="file.read")
    record(actor=colleague, action="update", target=other, event="file.created")
    client.force_login(coordinator)

    def shown(**query):
        return [e.pk for e in client.get(JOURNAL_URL, query).context["page"].object_list]

    everything = shown()
    assert len(everything) == 2
    assert len(shown(personne=colleague.pk)) == 1
    assert len(shown(dossier=person.pk)) == 1
    assert len(shown(action="update")) == 1
    today = timezone.localdate()
    assert len(shown(debut=today.isoformat(), fin=today.isoformat())) == 2
    assert shown(fin=(today - datetime.timedelta(days=1)).isoformat()) == []


def test_an_end_before_the_start_is_explained_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.get(JOURNAL_URL, {"debut": "2026-05-02", "fin": "2026-05-01"})
    assert response.context["form"].errors["fin"] == ["La fin de la période vient après son début."]
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(
    "query",
    [{"dossier": "\x00"}, {"debut": "99999-01-01"}, {"personne": "abc"}, {"action": "rm"}],
)
def test_a_wrong_filter_lists_and_exports_nothing(client, coordinator, person, query):
    record(actor=coordinator, action="read", target=person, event="file.read")
    client.force_login(coordinator)
    response = client.get(JOURNAL_URL, query)
    assert response.status_code == 200 and response.context["form"].errors
    assert list(response.context["page"].object_list) == []
    lines = client.get(EXPORT_URL, query).getvalue().decode("utf-8-sig").splitlines()
    assert len(lines) == 1  # the header only


def _journal_queries(client, query=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(JOURNAL_URL, query or {}).status_code == 200
    return len(captured)


def test_the_journal_page_is_paginated_and_its_queries_do_not_grow(client, coordinator, person):
    client.force_login(coordinator)
    record(actor=coordinator, action="read", target=person, event="file.read")
    few = _journal_queries(client)
    for _ in range(60):
        other = BeneficiaryFactory()
        record(actor=UserFactory(accompanier=True), action="read", target=other, event="file.read")
    assert _journal_queries(client) == few
    page = client.get(JOURNAL_URL).context["page"]
    assert (len(page.object_list), page.paginator.num_pages) == (50, 2)


def test_the_export_is_the_filtered_journal_and_is_journaled(client, coordinator, person):
    record(actor=coordinator, action="read", target=person, event="file.read")
    record(actor=coordinator, action="update", target=person, event="portal.invited")
    client.force_login(coordinator)
    response = client.get(EXPORT_URL, {"action": "update"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Personne", "Action", "Dossier", "Ce qui a été fait"]
    assert [row[2:] for row in rows[1:]] == [
        ["Modification", str(person), "Invitation à l'espace personnel envoyée"]
    ]
    export = AuditEntry.objects.get(event="journal.exported")
    assert (export.actor, export.action, export.params["count"]) == (coordinator, "export", 1)
    assert export.sentence == "Export du journal (lignes exportées : 1)"


@pytest.mark.parametrize("persona", ["accompanier", "beneficiary_user"])
@pytest.mark.parametrize("url", [JOURNAL_URL, EXPORT_URL])
def test_only_coordinators_see_the_journal(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(event="journal.exported").exists()


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(JOURNAL_URL).status_code == 302


def test_coordinators_reach_the_journal_from_their_navigation(client, coordinator, person):
    client.force_login(coordinator)
    assert (
        f'href="{JOURNAL_URL}"' in client.get(reverse("accompaniment:dashboard")).content.decode()
    )
    log = reverse("beneficiaries:beneficiary_access_log", args=[person.pk])
    assert f'href="{JOURNAL_URL}?dossier={person.pk}"' in client.get(log).content.decode()
