"""Large imports run in the background, all or nothing, with a progress bar."""

import pytest
from django.urls import reverse

from partners import import_jobs, transfer
from partners.models import ImportJob, Partner
from tests.partners.transfer_helpers import csv_file, row

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("partners:partner_import")


@pytest.fixture(autouse=True)
def _small_threshold(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(import_jobs, "BACKGROUND_FROM_ROWS", 3)
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY_ROWS", 1)


def rows(count):
    return [row(nom=f"Ferme {index}") for index in range(count)]


def confirm(client, file, capture):
    """Uploads and confirms ``file``, running what the confirmation leaves to a worker."""
    preview_url = client.post(IMPORT_URL, {"file": file})["Location"]
    with capture(execute=True):
        return client.post(preview_url + "confirmer/")


def test_a_large_file_is_imported_by_a_background_job(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = confirm(client, csv_file(rows(4)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.created_count, Partner.objects.count()) == ("done", 4, 4)


def test_a_small_file_is_still_imported_at_once(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    confirm(client, csv_file(rows(2)), django_capture_on_commit_callbacks)
    assert (ImportJob.objects.count(), Partner.objects.count()) == (0, 2)


def test_a_failure_while_writing_leaves_the_directory_untouched(
    client, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    written = []

    def write_then_fail(planned):
        if written:
            raise RuntimeError("disk full")
        written.append(planned)
        original_write(planned)

    original_write = transfer._write
    monkeypatch.setattr(transfer, "_write", write_then_fail)
    client.force_login(coordinator)
    confirm(client, csv_file(rows(4)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert (job.status, job.error, Partner.objects.count()) == (
        "failed",
        "L'import a échoué : rien n'est enregistré.",
        0,
    )


def test_a_job_is_run_once_even_if_delivered_twice(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    confirm(client, csv_file(rows(4)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(created_count=0)
    import_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.created_count == 0


def test_a_file_broken_since_its_preview_fails_with_a_message(coordinator, settings):
    token = "a" * 24 + ".csv"
    (import_jobs.imports_dir() / token).write_bytes(b"nom\nFerme\n")
    job = ImportJob.objects.create(token=token, created_by=coordinator)
    import_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "erreurs" in job.error


def progress_of(client, job):
    return client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()


def test_a_running_job_shows_its_progress_and_keeps_polling(client, coordinator):
    job = ImportJob.objects.create(token="b" * 24 + ".csv", status=ImportJob.Status.RUNNING)
    import_jobs.write_progress(job, 120, 400)
    client.force_login(coordinator)
    html = progress_of(client, job)
    assert '<progress id="import-job-bar" class="w-100" max="400" value="120">' in html
    assert 'data-hx-trigger="every 1s"' in html


def test_a_finished_job_stops_polling_and_gives_the_counts(client, coordinator):
    job = ImportJob.objects.create(
        token="c" * 24 + ".csv", status=ImportJob.Status.DONE, created_count=250
    )
    client.force_login(coordinator)
    html = progress_of(client, job)
    assert "data-hx-trigger" not in html
    assert "Import terminé : 250 fiches créées." in html


def test_the_job_page_is_for_coordinators_only(client, accompanier):
    job = ImportJob.objects.create(token="d" * 24 + ".csv")
    client.force_login(accompanier)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_the_import_page_links_to_the_last_jobs(client, coordinator):
    job = ImportJob.objects.create(token="e" * 24 + ".csv")
    client.force_login(coordinator)
    html = client.get(IMPORT_URL).content.decode()
    assert f'href="{job.get_absolute_url()}"' in html


def test_a_job_whose_file_is_gone_says_so(coordinator):
    job = ImportJob.objects.create(token="g" * 24 + ".csv", created_by=coordinator)
    import_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.error == "Le fichier à importer est introuvable : déposez-le de nouveau."


def test_back_to_the_preview_of_a_finished_job_leads_to_the_job(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = confirm(client, csv_file(rows(4)), django_capture_on_commit_callbacks)
    preview_url = response.wsgi_request.path.removesuffix("confirmer/")
    back = client.get(preview_url)
    assert back.status_code == 410
    assert ImportJob.objects.get().get_absolute_url() in back.content.decode()
