"""Small-cell suppression for the tables of counts of people that statistics pages show.

A count of people from 1 to ``threshold - 1`` could point at someone: it is shown as
"< threshold". A zero tells nothing about anyone and stays. So that nobody subtracts their
way back to a hidden count from a row or column total, a row or column left with a single
hidden cell gets a second one hidden (its smallest other count): secondary suppression,
repeated until no row or column has exactly one hidden cell (zeros stay shown: a line
whose other counts are zero has nothing left to hide, its total being the hidden count).
"""

from django.conf import settings

Cell = int | str


def small_cell_threshold() -> int:
    return settings.STATISTICS_SMALL_CELL


def suppressed_label(threshold: int) -> str:
    return f"< {threshold}"


def suppress_small_cells(
    table: list[list[int]], *, threshold: int | None = None
) -> list[list[Cell]]:
    """``table`` (rows of counts of people) with small counts replaced by "< threshold".

    Pure: the input is not changed. Rows may be of different lengths; a column is the cells
    at the same position."""
    threshold = small_cell_threshold() if threshold is None else threshold
    hidden = {
        (r, c)
        for r, row in enumerate(table)
        for c, count in enumerate(row)
        if 0 < count < threshold
    }
    lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(table)]
    width = max((len(row) for row in table), default=0)
    lines += [[(r, c) for r, row in enumerate(table) if c < len(row)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell in hidden) != 1:
                continue
            # A zero is never hidden: with the totals in the table, a line whose other counts
            # are all zero has its total hidden too (it equals the hidden count).
            shown = [cell for cell in line if cell not in hidden and table[cell[0]][cell[1]]]
            if not shown:
                continue
            r, c = min(shown, key=lambda cell: table[cell[0]][cell[1]])
            hidden.add((r, c))
            changed = True
    label = suppressed_label(threshold)
    return [
        [label if (r, c) in hidden else count for c, count in enumerate(row)]
        for r, row in enumerate(table)
    ]


def suppress_count(count: int, *, threshold: int | None = None) -> Cell:
    """One count on its own (a total): hidden when small."""
    return suppress_small_cells([[count]], threshold=threshold)[0][0]
