"""The shared CSV/XLSX writer: formulas never run, cells are typed, French spreadsheets open it."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from soli_dome import exports

ATTACKS = [
    '=HYPERLINK("http://evil.example/x","Clic")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = [
    exports.Column(gettext_lazy("Nom"), lambda row: row["name"]),
    exports.Column("nombre", lambda row: row["count"]),
    exports.Column("montant", lambda row: row["amount"]),
    exports.Column("jour", lambda row: row["day"]),
    exports.Column("moment", lambda row: row["at"]),
    exports.Column("oui ou non", lambda row: row["flag"]),
]
PARIS_MOMENT = datetime.datetime(2026, 7, 14, 20, 30, tzinfo=datetime.UTC)  # 22:30 in Paris


def _row(name, **values):
    return {
        "name": name,
        "count": 3,
        "amount": Decimal("12.50"),
        "day": datetime.date(2026, 1, 31),
        "at": PARIS_MOMENT,
        "flag": True,
        **values,
    }


@pytest.mark.parametrize("text", ATTACKS)
def test_neutralise_prefixes_what_a_spreadsheet_would_run(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.unneutralise(exports.neutralise(text)) == text


@pytest.mark.parametrize("text", ["Épicerie du Port", "'déjà cité'", "", "1+1", "a=b"])
def test_neutralise_leaves_plain_text_alone(text):
    assert exports.neutralise(text) == text
    assert exports.unneutralise(text) == text


def test_csv_is_what_french_spreadsheets_open():
    text = exports.csv_bytes(COLUMNS, [_row("Épicerie")]).decode("utf-8")
    assert text.startswith("\ufeffNom;nombre;montant;jour;moment;oui ou non\r\n")
    assert text.splitlines()[1] == "Épicerie;3;12,50;31/01/2026;14/07/2026 22:30;oui"


def test_csv_cells_that_would_run_get_an_apostrophe_numbers_do_not():
    text = exports.csv_bytes(COLUMNS, [_row(attack, count=-5) for attack in ATTACKS])
    lines = text.decode("utf-8").split("\r\n")[1:-1]
    import csv

    cells = [row for row in csv.reader(lines, delimiter=";")]
    assert [row[0] for row in cells] == ["'" + attack for attack in ATTACKS]
    assert {row[1] for row in cells} == {"-5"}  # a number of ours, not text


def test_csv_response_streams_in_the_language_of_the_page():
    with translation.override("en"):
        response = exports.csv_response("export.csv", COLUMNS, iter([_row("A")]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    assert "no-store" in response["Cache-Control"]
    with translation.override("fr"):  # the next request's language does not leak in
        body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeffName;")
    assert body.splitlines()[1].endswith(";yes")


def _sheet(content):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_xlsx_cells_are_typed():
    sheet = _sheet(exports.xlsx_bytes([("Acteurs", COLUMNS, [_row("Épicerie")])]))
    header, cells = list(sheet.iter_rows(min_row=1, max_row=2))
    assert [cell.value for cell in header] == [
        "Nom",
        "nombre",
        "montant",
        "jour",
        "moment",
        "oui ou non",
    ]
    assert header[0].font.bold
    name, count, amount, day, moment, flag = cells
    assert (name.value, name.data_type) == ("Épicerie", "s")
    assert (count.value, count.data_type) == (3, "n")
    assert (amount.value, amount.data_type) == (12.5, "n")
    assert amount.number_format == exports.DECIMAL_FORMAT
    assert day.value == datetime.datetime(2026, 1, 31)  # noqa: DTZ001 - Excel dates are naive
    assert day.is_date and day.number_format == "DD/MM/YYYY"
    assert moment.value == datetime.datetime(2026, 7, 14, 22, 30)  # noqa: DTZ001 - Paris, naive
    assert moment.number_format == "DD/MM/YYYY HH:MM"
    assert flag.value == "oui"


def test_xlsx_never_writes_a_formula():
    content = exports.xlsx_bytes([("Acteurs", COLUMNS, [_row(attack) for attack in ATTACKS])])
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = _sheet(content)
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    # The text as it was typed (XML stores a carriage return as a line feed).
    assert [cell.value for cell in names] == [attack.replace("\r", "\n") for attack in ATTACKS]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in names)


def test_xlsx_response_has_one_sheet_per_table_with_titles_excel_accepts():
    sheets = [
        ("Acteurs : liste [2026]/bis", COLUMNS, [_row("A")]),
        ("Seconde feuille au titre bien trop long pour Excel", COLUMNS[:1], []),
    ]
    response = exports.xlsx_response("acteurs.xlsx", sheets)
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.sheetnames == ["Acteurs   liste  2026  bis", "Seconde feuille au titre bien t"]
    assert workbook.worksheets[1].max_row == 1


def test_naive_datetimes_are_taken_as_they_are():
    naive = datetime.datetime(2026, 3, 1, 8, 0)  # noqa: DTZ001 - what a caller may give
    sheet = _sheet(exports.xlsx_bytes([("T", COLUMNS, [_row("A", at=naive)])]))
    assert sheet["E2"].value == naive
    assert timezone.is_naive(sheet["E2"].value)
