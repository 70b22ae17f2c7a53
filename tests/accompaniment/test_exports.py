"""Exports of files, sessions, referrals, supports and questionnaires: only what the user may
see, files that open with Python's csv module and openpyxl, every export journalled, large
ones written in the background with a progress page and a link that expires."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import DataExport
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    PracticesCheckInFactory,
    ReferralFactory,
    SessionFactory,
    SupportFactory,
)
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db
KINDS = ["beneficiaires", "seances", "orientations", "aides", "fies", "habitudes"]


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"


def export(client, slug, file_format="csv"):
    return client.post(
        reverse("accompaniment:export_create", args=[slug]), {"file_format": file_format}
    )


def csv_rows(response):
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def two_caseloads(accompanier, other_accompanier, beneficiary_of):
    mine = beneficiary_of(accompanier, last_name="Mienne")
    theirs = beneficiary_of(other_accompanier, last_name="Autrui")
    for person in (mine, theirs):
        SupportFactory(beneficiary=person, recorded_by=accompanier)
        ReferralFactory(beneficiary=person, created_by=accompanier)
        FoodInsecurityAssessmentFactory(beneficiary=person, score=3)
        PracticesCheckInFactory(beneficiary=person)
    # A collective session with both: the accompanier's export shows only their person.
    SessionFactory(accompanier=accompanier, participants=[mine, theirs], held=True)
    return mine, theirs


@pytest.mark.parametrize("slug", KINDS)
def test_accompaniers_export_holds_only_their_own_people(client, accompanier, two_caseloads, slug):
    client.force_login(accompanier)
    response = export(client, slug)
    assert response.status_code == 200
    rows = csv_rows(response)
    body = "\n".join(";".join(row) for row in rows)
    assert "Mienne" in body
    assert "Autrui" not in body
    assert len(rows) == 2  # the header and one row about their own person


@pytest.mark.parametrize("slug", KINDS)
def test_xlsx_exports_open_with_openpyxl_and_keep_types(client, coordinator, two_caseloads, slug):
    client.force_login(coordinator)
    response = export(client, slug, "xlsx")
    assert response.status_code == 200
    rows = xlsx_rows(response.getvalue())
    assert len(rows) == 3  # header, both people
    assert isinstance(rows[1][0], int)  # a number stays a number


def test_fies_export_has_typed_answers_and_score(client, accompanier, two_caseloads):
    client.force_login(accompanier)
    header, row = xlsx_rows(export(client, "fies", "xlsx").getvalue())
    assert (
        header[header.index("Score brut (0 à 8)")] and row[header.index("Score brut (0 à 8)")] == 3
    )
    assert row[header.index("Q1")] == "oui" and row[header.index("Q8")] == "non"
    assert isinstance(row[header.index("Date")], datetime.datetime)


def test_every_export_is_journalled(client, accompanier, two_caseloads):
    client.force_login(accompanier)
    export(client, "aides")
    journal = DataExport.objects.get()
    assert (journal.kind, journal.file_format, journal.requested_by, journal.row_count) == (
        "aides",
        "csv",
        accompanier,
        1,
    )
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, actor=accompanier, object_id=journal.pk
    ).exists()
    page = client.get(reverse("accompaniment:export_list")).content.decode()
    assert "Mes exports" in page and "Aides" in page


def test_exports_page_is_in_the_staff_navigation_and_closed_to_others(
    client, accompanier, beneficiary_of
):
    url = reverse("accompaniment:export_list")
    assert client.get(url).status_code == 302
    client.force_login(beneficiary_of(accompanier, with_account=True).user)
    assert client.get(url).status_code == 404
    assert export(client, "aides").status_code == 404
    client.force_login(accompanier)
    assert url in client.get(reverse("accompaniment:dashboard")).content.decode()
    assert export(client, "inconnu").status_code == 404
    assert export(client, "recherche").status_code == 404
    assert export(client, "aides", "pdf").status_code == 302  # back, told to choose a format
    assert not DataExport.objects.exists()


@pytest.fixture
def background(settings):
    settings.EXPORT_BACKGROUND_FROM_ROWS = 1


def test_large_export_runs_in_the_background_with_an_expiring_link(
    client,
    accompanier,
    other_accompanier,
    beneficiary_of,
    background,
    django_capture_on_commit_callbacks,
):
    for _ in range(3):
        beneficiary_of(accompanier, last_name="Mienne")
    client.force_login(accompanier)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "beneficiaires", "xlsx")
    job = DataExport.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.is_background, job.status, job.rows_written, job.row_count) == (
        True,
        DataExport.Status.DONE,
        3,
        3,
    )

    page = client.get(job.get_absolute_url()).content.decode()
    assert "L'export est prêt : 3 lignes" in page
    token_url = page.split('href="/exports/telecharger/')[1].split('"')[0]
    download_url = f"/exports/telecharger/{token_url}"
    downloaded = client.get(download_url)
    assert downloaded.status_code == 200
    assert downloaded["Cache-Control"] == "no-store, private"
    assert len(xlsx_rows(b"".join(downloaded.streaming_content))) == 4

    # Only for the person who asked: another accompanier gets nothing.
    client.force_login(other_accompanier)
    assert client.get(download_url).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get("/exports/telecharger/faux-jeton/").status_code == 404

    # Once the link has expired, a page says so; the hourly task deletes the file.
    client.force_login(accompanier)
    DataExport.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert client.get(download_url).status_code == 410
    from accompaniment.tasks import purge_expired_exports

    purge_expired_exports.delay()
    assert not job.path.exists()


def test_background_csv_export_writes_the_same_rows(
    client, coordinator, two_caseloads, background, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        export(client, "aides", "csv")
    job = DataExport.objects.get()
    rows = list(csv.reader(io.StringIO(job.path.read_text("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3


def test_progress_page_polls_while_the_worker_writes(client, accompanier):
    job = DataExport.objects.create(
        kind="seances",
        file_format="csv",
        requested_by=accompanier,
        is_background=True,
        status=DataExport.Status.RUNNING,
        row_count=200,
        rows_written=50,
    )
    client.force_login(accompanier)
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Export en cours : 50 lignes sur 200." in partial
    assert 'value="25"' in partial and 'data-hx-trigger="every 2s"' in partial
    job.status = DataExport.Status.FAILED
    job.save()
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "data-hx-trigger" not in partial and "L'export a échoué" in partial


def test_a_task_delivered_twice_writes_the_export_once(accompanier, beneficiary_of):
    from accompaniment.reporting.exports import run_export

    beneficiary_of(accompanier)
    job = DataExport.objects.create(
        kind="beneficiaires",
        file_format="csv",
        requested_by=accompanier,
        is_background=True,
        row_count=1,
    )
    run_export(job.pk)
    job.refresh_from_db()
    finished = job.finished_at
    run_export(job.pk)
    job.refresh_from_db()
    assert job.status == DataExport.Status.DONE and job.finished_at == finished


def test_coordinator_journal_names_the_research_partner(client, coordinator):
    partner = PartnerFactory(
        name="Laboratoire Territoires", agreement_date=datetime.date(2025, 3, 1)
    )
    DataExport.objects.create(
        kind="recherche",
        file_format="csv",
        requested_by=coordinator,
        partner=partner,
        agreement_date=partner.agreement_date,
    )
    client.force_login(coordinator)
    page = client.get(reverse("accompaniment:export_list")).content.decode()
    assert "Journal des exports" in page
    assert "Laboratoire Territoires (convention du 01/03/2025)" in page
