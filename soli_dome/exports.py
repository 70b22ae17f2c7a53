"""The one writer of every CSV and XLSX file the platform produces.

Describe a table as ``Column``s (a header, a function from a row to its value) and hand them
with the rows to ``csv_response`` or ``xlsx_response``; ``csv_bytes`` / ``xlsx_bytes`` give the
same files as bytes, for a ZIP archive or an e-mail::

    from django.utils.translation import gettext_lazy as _
    from soli_dome import exports

    COLUMNS = [
        exports.Column(_("Nom"), lambda person: person.last_name),
        exports.Column(_("Entrée"), lambda person: person.entered_on),   # a date
        exports.Column(_("Montant"), lambda person: person.amount),      # a Decimal
    ]

    def person_export(request):
        people = Person.objects.visible_to(request.user).iterator(chunk_size=500)
        return exports.csv_response("personnes.csv", COLUMNS, people)
        # or exports.xlsx_response("personnes.xlsx", [(_("Personnes"), COLUMNS, people)])

Return values may be text, lazy translations, ``int``, ``Decimal``, ``float``, ``bool``,
``date``, aware or naive ``datetime`` and ``None`` (an empty cell). Headers and values are
rendered in the language active when the response is made, even though a CSV is written after
the view has returned.

What it promises (see docs/security.md):

- **No formula runs when a colleague opens the file.** A text cell starting with ``= + - @``,
  a tab or a carriage return is a formula to a spreadsheet. In CSV, which has no types,
  ``neutralise`` prefixes such a text with ``'`` (OWASP's rule). In XLSX every text is written
  as a string cell, never as a formula, and such a text also gets Excel's "quote prefix" flag,
  which is how Excel stores a typed leading apostrophe: the cell shows the text as it is and
  stays text when edited. Numbers, dates and booleans are ours, not text, and are never
  prefixed (``-3`` stays a number). ``unneutralise`` undoes the CSV prefix on import, so that
  an exported file imports back unchanged.
- **French spreadsheets open the CSV as it is**: UTF-8 with a byte-order mark, ``;`` between
  cells (the comma is the French decimal separator), decimal commas, dates as 31/01/2026 and
  times in Europe/Paris. It is streamed row by row: memory does not grow with the rows.
- **XLSX cells are typed**: text as text, ``int``/``Decimal``/``float`` as numbers, dates and
  datetimes as Excel dates (datetimes in Europe/Paris, naive, as Excel wants) with a French
  number format. openpyxl's write-only mode writes rows to a temporary file as they come, and
  the finished workbook is sent from a temporary file: memory stays bounded.

In tests, ``response.getvalue()`` reads the whole body of either response.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
INTEGER_FORMAT = "0"
DECIMAL_FORMAT = "0.00#####"
# Excel refuses these in sheet titles, and titles longer than 31 characters.
_SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how a row gives its value."""

    header: str | Promise
    value: Callable[[Any], Any]
    # An Excel number format for this column's numbers or dates, instead of the default.
    number_format: str | None = None
    width: int | None = None  # in characters; by default from the header's length


Sheet = tuple[str | Promise, list[Column], Iterable[Any]]


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """The text ``neutralise`` was given: a file this writer made imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def _local_naive(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, microsecond=0)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, int | Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return _local_naive(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


class _Echo:
    """A file that hands back what it is given: csv.writer then formats one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    """The table as CSV text, line after line, the first led by a byte-order mark."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield "\ufeff" + writer.writerow([neutralise(str(column.header)) for column in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(column.value(row)) for column in columns])


def _in_language(language: str | None, lines: Iterator[str]) -> Iterator[str]:
    # A streamed body is written after the view returned: keep the page's language.
    with translation.override(language):
        yield from lines


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A download of personal data must not stay in a shared computer's browser cache.
    patch_cache_control(response, no_store=True, private=True)
    return response


def csv_response(
    filename: str, columns: list[Column], rows: Iterable[Any]
) -> StreamingHttpResponse:
    """A CSV download, streamed row by row (``rows`` may be a queryset's ``iterator()``)."""
    lines = _in_language(translation.get_language(), csv_lines(columns, rows))
    return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)


def csv_bytes(columns: list[Column], rows: Iterable[Any]) -> bytes:
    """The same CSV file as bytes, for a ZIP archive."""
    return "".join(csv_lines(columns, rows)).encode("utf-8")


def sheet_title(title: str | Promise) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, 31 characters at most, never empty."""
    cleaned = str(title).translate(_SHEET_TITLE_FORBIDDEN).strip()[:31].strip()
    return cleaned or "Feuille"


def _xlsx_cell(sheet, value: Any, column: Column):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, bool):
        value = gettext("oui") if value else gettext("non")
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl makes a text starting with "=" a formula
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_local_naive(value))
        cell.number_format = column.number_format or DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = column.number_format or DATE_FORMAT
        return cell
    if isinstance(value, int | Decimal | float):
        cell = WriteOnlyCell(sheet, value=value)
        default = INTEGER_FORMAT if isinstance(value, int) else DECIMAL_FORMAT
        cell.number_format = column.number_format or default
        return cell
    if value is None:
        return WriteOnlyCell(sheet)
    return _xlsx_cell(sheet, str(value), column)


def write_xlsx(file: BinaryIO, sheets: Iterable[Sheet]) -> None:
    """The workbook into ``file``: one sheet per ``(title, columns, rows)``, headers in bold
    and frozen above the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title))
        for index, column in enumerate(columns, start=1):
            width = column.width or max(10, min(len(str(column.header)) + 2, 50))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        headers = []
        for column in columns:
            cell = _xlsx_cell(sheet, str(column.header), column)
            cell.font = bold
            headers.append(cell)
        sheet.append(headers)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, column.value(row), column) for column in columns])
    if not workbook.worksheets:
        workbook.create_sheet("Feuille")
    workbook.save(file)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook as bytes, for a ZIP archive (it is held in memory: keep it small)."""
    with tempfile.TemporaryFile() as file:
        write_xlsx(file, sheets)
        file.seek(0)
        return file.read()


def _chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := file.read(size):
            yield chunk
    finally:
        file.close()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> StreamingHttpResponse:
    """An XLSX download, built in a temporary file and sent from it in chunks."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed once sent, by the response
    try:
        write_xlsx(file, sheets)
        length = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = StreamingHttpResponse(_chunks(file), content_type=XLSX_CONTENT_TYPE)
    response["Content-Length"] = str(length)
    response._resource_closers.append(file.close)  # also when the body is never read
    return _attachment(response, filename)
