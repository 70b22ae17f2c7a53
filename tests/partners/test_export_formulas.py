"""Issue 10, point 1: a listing named like a formula (typed in the form, or brought by a third
party's file) never becomes a live formula in an export, and the XLSX export imports back."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from partners.models import Partner
from partners.transfer import HEADERS
from tests.partners.test_export import CSV_URL, XLSX_URL, csv_content, import_file, snapshot
from tests.partners.test_partner_forms import valid_data
from tests.partners.transfer_helpers import csv_file, row

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://evil.example/x","Clic")'
EVIL = {
    "name": EVIL_NAME,
    "description": "+33 1 23 45 67 89",
    "address": "-12 rue du Port",
    "opening_hours": "@SOMME(A1:A9)",
    "fees": "=1+1",
}
NAME, DESCRIPTION, ADDRESS, HOURS, FEES = (
    HEADERS.index(header) for header in ("nom", "description", "adresse", "horaires", "tarifs")
)


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def typed_in_the_form(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("partners:partner_create"), valid_data(**EVIL))
    assert response.status_code == 302
    return Partner.objects.get()


@pytest.fixture
def brought_by_a_file(client, coordinator):
    client.force_login(coordinator)
    plan = import_file(
        client,
        csv_file(
            [
                row(
                    nom=EVIL_NAME,
                    description=EVIL["description"],
                    adresse=EVIL["address"],
                    horaires=EVIL["opening_hours"],
                    tarifs=EVIL["fees"],
                )
            ]
        ),
    )
    assert plan.problems == []
    return Partner.objects.get()


def _csv_rows(client):
    text = csv_content(client.get(CSV_URL)).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.mark.parametrize("origin", ["typed_in_the_form", "brought_by_a_file"])
def test_csv_export_prefixes_formulas_with_an_apostrophe(client, origin, request):
    request.getfixturevalue(origin)
    cells = _csv_rows(client)[1]
    assert cells[NAME] == "'" + EVIL_NAME
    assert cells[DESCRIPTION] == "'+33 1 23 45 67 89"
    assert cells[ADDRESS] == "'-12 rue du Port"
    assert cells[HOURS] == "'@SOMME(A1:A9)"
    assert cells[FEES] == "'=1+1"


@pytest.mark.parametrize("origin", ["typed_in_the_form", "brought_by_a_file"])
def test_xlsx_export_writes_formulas_as_text_never_as_formulas(client, origin, request):
    request.getfixturevalue(origin)
    content = client.get(XLSX_URL).getvalue()
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    name = sheet.cell(row=2, column=NAME + 1)
    assert (name.value, name.data_type, name.quotePrefix) == (EVIL_NAME, "s", True)
    for index, text in [(DESCRIPTION, "+33 1 23 45 67 89"), (ADDRESS, "-12 rue du Port")]:
        cell = sheet.cell(row=2, column=index + 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize(("url", "name"), [(CSV_URL, "export.csv"), (XLSX_URL, "export.xlsx")])
def test_an_export_with_formula_like_texts_imports_back_unchanged(
    client, typed_in_the_form, url, name
):
    content = client.get(url).getvalue()
    before = snapshot()
    plan = import_file(client, SimpleUploadedFile(name, content))
    assert (plan.unchanged, plan.problems) == (1, [])

    Partner.objects.all().delete()
    plan = import_file(client, SimpleUploadedFile(name, content))
    assert plan.problems == []  # not "nom : Cette colonne est obligatoire"
    assert snapshot() == before
    assert Partner.objects.get().name == EVIL_NAME


def test_xlsx_export_has_numbers_and_dates_as_such(client, typed_in_the_form):
    sheet = load_workbook(io.BytesIO(client.get(XLSX_URL).getvalue())).worksheets[0]
    cells = {header: sheet.cell(row=2, column=i + 1) for i, header in enumerate(HEADERS)}
    assert cells["fréquence de revue (mois)"].value == 12
    assert cells["latitude"].data_type == "n"
    assert cells["date de convention"].is_date
    assert cells["nom"].data_type == "s"
