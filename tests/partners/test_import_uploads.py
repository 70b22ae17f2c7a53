"""Issue 10, point 7: an upload is checked by what it contains, and reading it is bounded (its
unpacked size, rows, columns and time), with the reason next to the field."""

import html
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from partners.models import Category, Partner
from partners.transfer import HEADERS
from tests.partners.transfer_helpers import csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("partners:partner_import")


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def refusal(client, file, **data):
    """The message next to the file field, once the upload is refused."""
    response = client.post(IMPORT_URL, {"file": file, **data})
    assert response.status_code == 200, "the upload should have been refused"
    errors = response.context["form"].errors["file"]
    assert html.escape(errors[0]) in response.content.decode()
    return errors[0]


def zip_bomb(megabytes=8):
    """A real workbook with a few MB of zeros beside it: tens of kB that unpack to MB."""
    buffer = io.BytesIO(xlsx_file([row()]).read())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", b"\0" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(coordinator_client, settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024
    content = zip_bomb()
    assert len(content) < 100 * 1024  # it passes the 5 MB limit on the upload itself
    message = refusal(coordinator_client, SimpleUploadedFile("acteurs.xlsx", content))
    assert message.startswith("Le classeur décompressé dépasse 4 Mo :")
    assert list((settings.VAR_DIR / "imports").glob("*.xlsx")) == []  # nothing kept


def test_a_file_that_unpacks_within_the_limit_is_previewed(coordinator_client, settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 16 * 1024 * 1024
    file = SimpleUploadedFile("acteurs.xlsx", zip_bomb())
    response = coordinator_client.post(IMPORT_URL, {"file": file})
    assert response.status_code == 302
    assert coordinator_client.get(response["Location"]).context["plan"].to_create == 1


@pytest.mark.parametrize("make", [xlsx_file, csv_file])
def test_more_rows_than_allowed_are_refused(coordinator_client, settings, make):
    settings.UPLOAD_MAX_ROWS = 5
    five = make([row(nom=f"Ferme {n}") for n in range(5)])
    assert coordinator_client.post(IMPORT_URL, {"file": five}).status_code == 302
    six = make([row(nom=f"Ferme {n}") for n in range(6)])
    assert refusal(coordinator_client, six) == (
        "Le fichier a plus de 5 lignes : découpez-le en plusieurs fichiers."
    )


def test_a_row_far_down_an_xlsx_counts_whatever_the_sheet_declares(coordinator_client, settings):
    settings.UPLOAD_MAX_ROWS = 100
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.cell(row=5000, column=2, value="Ferme lointaine")
    buffer = io.BytesIO()
    workbook.save(buffer)
    message = refusal(coordinator_client, SimpleUploadedFile("acteurs.xlsx", buffer.getvalue()))
    assert message.startswith("Le fichier a plus de 100 lignes")


def test_trailing_empty_rows_do_not_count(coordinator_client, settings):
    settings.UPLOAD_MAX_ROWS = 5
    file = csv_file([row(), *([[""] * len(HEADERS)] * 20)])
    assert coordinator_client.post(IMPORT_URL, {"file": file}).status_code == 302


@pytest.mark.parametrize("make", [xlsx_file, csv_file])
def test_more_columns_than_allowed_are_refused(coordinator_client, settings, make):
    settings.UPLOAD_MAX_COLUMNS = 30
    file = make([[*row(), *[""] * 10, "en trop"]])
    assert refusal(coordinator_client, file) == (
        "Le fichier a plus de 30 colonnes : gardez seulement celles du modèle d'import."
    )


def test_reading_stops_after_the_time_allowed(coordinator_client, settings):
    settings.UPLOAD_MAX_SECONDS = 0
    message = refusal(coordinator_client, xlsx_file([row()]))
    assert message.startswith("Le fichier est trop long à lire (plus de 0 secondes)")


def test_a_stored_file_is_read_within_the_limits_of_its_preview(coordinator_client, settings):
    response = coordinator_client.post(IMPORT_URL, {"file": xlsx_file([row(), row(nom="B")])})
    settings.UPLOAD_MAX_ROWS = 1
    preview = coordinator_client.get(response["Location"])
    assert preview.context["unreadable"].startswith("Le fichier a plus de 1 lignes")
    assert preview.context["plan"] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "acteurs.xlsx",
            "nom;catégories\nFerme;Producteurs\n".encode(),
            "Le fichier n'est pas un classeur XLSX : enregistrez-le au format Excel (.xlsx).",
        ),
        (
            "acteurs.xlsx",
            b"PK\x05\x06" + b"\0" * 18,  # an empty ZIP archive: no workbook in it
            "Le fichier n'est pas un classeur XLSX : enregistrez-le au format Excel (.xlsx).",
        ),
        (
            "acteurs.csv",
            None,  # a workbook renamed .csv
            "Le fichier n'est pas un texte CSV : enregistrez-le au format CSV (UTF-8).",
        ),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(coordinator_client, name, content, message):
    content = content if content is not None else xlsx_file([row()]).read()
    assert refusal(coordinator_client, SimpleUploadedFile(name, content)) == message
    assert not Partner.objects.exists()


def test_a_json_file_that_does_not_parse_is_refused_on_upload(coordinator_client):
    category = Category.objects.first()
    file = SimpleUploadedFile("structures.json", b'[{"nom": "Ferme"')
    message = refusal(coordinator_client, file, category=category.pk)
    assert message == "Le fichier n'est pas un JSON lisible."


def test_a_json_file_with_a_nul_character_is_refused(coordinator_client):
    category = Category.objects.first()
    file = SimpleUploadedFile("structures.json", b'[{"id": "a", "nom": "Ferme\\u0000"}]')
    message = refusal(coordinator_client, file, category=category.pk)
    assert message == "Le fichier n'est pas un JSON lisible."


def test_a_json_file_of_too_many_structures_is_refused(coordinator_client, settings):
    settings.UPLOAD_MAX_ROWS = 2
    category = Category.objects.first()
    items = [{"id": str(n), "nom": f"Ferme {n}", "source": "x"} for n in range(3)]
    file = SimpleUploadedFile("structures.json", json.dumps(items).encode())
    assert refusal(coordinator_client, file, category=category.pk).startswith(
        "Le fichier a plus de 2 lignes"
    )


def test_the_field_says_the_limits(coordinator_client, settings):
    settings.UPLOAD_MAX_ROWS = 2500
    page = coordinator_client.get(IMPORT_URL).content.decode()
    assert "JSON), de 5 Mo et 2\xa0500 lignes au plus." in html.unescape(page)
