"""Server-drawn SVG charts of the statistics tables: the geometry is computed here, the
template only writes it out. A chart repeats its table (which follows it), so the SVG is
hidden from screen readers."""

from django.utils import formats

from .statistics import Table

# Okabe–Ito colours: told apart with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F6A00", "#000000"]
SLOT, BAR, PLOT_HEIGHT = 40, 26, 160
ROW_HEIGHT, LABEL_WIDTH, BAR_WIDTH = 20, 240, 300


def month_chart(table: Table, months: list) -> dict:
    """Stacked bars: one per month, one colour per row of the table (total row left out)."""
    series = [row for row in table.rows if not row.is_total]
    stacks = [sum(row.values[index] for row in series) for index in range(len(months))]
    top = max(stacks, default=0) or 1
    bars = []
    for index in range(len(months)):
        y = PLOT_HEIGHT
        for position, row in enumerate(series):
            value = row.values[index]
            if value:
                height = PLOT_HEIGHT * float(value) / float(top)
                y -= height
                bars.append(
                    {
                        "x": index * SLOT + (SLOT - BAR) / 2,
                        "y": round(y, 2),
                        "height": round(height, 2),
                        "colour": PALETTE[position % len(PALETTE)],
                    }
                )
    labels = [
        {
            "x": index * SLOT + SLOT / 2,
            "month": formats.date_format(month, "N"),
            "year": month.year if index == 0 or month.month == 1 else "",
        }
        for index, month in enumerate(months)
    ]
    return {
        "kind": "months",
        "width": max(len(months), 1) * SLOT,
        "height": PLOT_HEIGHT + 36,
        "bar_width": BAR,
        "plot_height": PLOT_HEIGHT,
        "bars": bars,
        "labels": labels,
        "top": max(stacks, default=0),
        "legend": [
            (row.label, PALETTE[position % len(PALETTE)]) for position, row in enumerate(series)
        ],
    }


def ranking_chart(table: Table) -> dict:
    """Horizontal bars of the last column (the period), one per row with a figure."""
    rows = [row for row in table.rows if not row.is_total and row.values[-1]]
    top = max((row.values[-1] for row in rows), default=0) or 1
    return {
        "kind": "ranking",
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bars": [
            {
                "y": index * ROW_HEIGHT,
                "text_y": index * ROW_HEIGHT + ROW_HEIGHT * 0.7,
                "label": _short(str(row.label)),
                "value": row.values[-1],
                "width": round(BAR_WIDTH * float(row.values[-1]) / float(top), 2),
                "value_x": LABEL_WIDTH
                + round(BAR_WIDTH * float(row.values[-1]) / float(top), 2)
                + 6,
            }
            for index, row in enumerate(rows)
        ],
    }


def _short(label: str, length: int = 36) -> str:
    """A label that fits left of its bar (the table after the chart gives it in full)."""
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


def chart_of(table: Table, months: list) -> dict | None:
    if table.chart == "months":
        return month_chart(table, months)
    if table.chart == "ranking":
        return ranking_chart(table)
    return None
