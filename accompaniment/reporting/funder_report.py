"""The funder activity report: the statistics tables with their small counts of people masked,
as a printable page and as an XLSX workbook (one sheet per table, and a sheet that defines
each figure). It holds figures only: no name of a person or of a staff member."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from soli_dome import exports

from .statistics import Table
from .suppression import suppress


@dataclass
class MaskedRow:
    label: str
    cells: list  # a figure, or the text "< 5" in place of a small count
    is_total: bool


def threshold() -> int:
    return settings.STATISTICS_SMALL_CELL


def masked_rows(table: Table, limit: int) -> list[MaskedRow]:
    """The rows of ``table`` as the report shows them: for a table of people, every count
    below ``limit`` and the ones that would give it back by subtraction read "< limit"."""
    values = [row.values for row in table.rows]
    hidden = (
        suppress(values, threshold=limit)
        if table.counts_people
        else [[False] * len(row) for row in values]
    )
    return [
        MaskedRow(
            row.label,
            [
                f"< {limit}" if mask else value
                for value, mask in zip(row.values, masks, strict=True)
            ],
            row.is_total,
        )
        for row, masks in zip(table.rows, hidden, strict=True)
    ]


def masked_headline(figures: list[tuple], limit: int) -> list[tuple]:
    """The headline figures of ``statistics.headline`` with a small count of people masked
    (a commune or a public chosen can make them small)."""
    return [
        (label, f"< {limit}" if counts_people and 0 < value < limit else value, is_money)
        for label, value, is_money, counts_people in figures
    ]


def report(tables: list[Table]) -> list[tuple[Table, list[MaskedRow]]]:
    limit = threshold()
    return [(table, masked_rows(table, limit)) for table in tables]


def _cell(index: int):
    return lambda row: row.cells[index]


def workbook_sheets(masked: list[tuple[Table, list[MaskedRow]]], context: list[tuple]) -> list:
    """The workbook's sheets: the definitions first (with ``context``, (label, value) pairs
    such as the period), then one sheet per table."""
    limit = threshold()
    definitions = [
        *context,
        (
            _("Petits effectifs"),
            _(
                "Un nombre de personnes entre 1 et %(last)s est remplacé par « < %(limit)s », "
                "ainsi que le plus petit autre nombre de sa ligne ou de sa colonne quand il y "
                "serait seul masqué, pour que les totaux ne permettent pas de le retrouver."
            )
            % {"last": limit - 1, "limit": limit},
        ),
        *(
            (
                table.title,
                " ".join(str(text) for text in [table.definition, *table.notes]),
            )
            for table, _rows in masked
        ),
    ]
    sheets = [
        (
            _("Définitions"),
            [
                exports.Column(_("Tableau"), lambda row: row[0], width=45),
                exports.Column(_("Définition"), lambda row: row[1], width=100),
            ],
            definitions,
        )
    ]
    for table, rows in masked:
        columns = [exports.Column(table.row_header, lambda row: row.label, width=35)]
        columns += [
            exports.Column(header, _cell(index), number_format="0.00" if table.is_money else None)
            for index, header in enumerate(table.columns)
        ]
        sheets.append((table.sheet, columns, rows))
    return sheets
