"""Small-cell suppression for the funder report: a pure function, so that it is tested alone.

A count of people between 1 and ``threshold - 1`` could point at someone (three seniors of a
small commune who left in March): it is masked. A row or a column with a single masked cell
would give it back by subtraction from its total, so the next smallest cell of that line is
masked too ("secondary suppression"), until no line holds exactly one masked cell. Zeros are
shown: nobody can be recognised in an empty cell (unless a zero is all a line has left).

One rule for every table of counts of people: the funder report (``funder_report``) and the
outcome statistics (``outcomes``, through ``suppress_small_cells``).
"""

from collections.abc import Sequence

from django.conf import settings

# A count as a table shows it: the number, or "< 5" when it is masked.
Cell = int | str


def suppress(table: Sequence[Sequence[int]], *, threshold: int) -> list[list[bool]]:
    """Which cells of ``table`` (rows of counts, total row and column included when they are
    shown) to mask: every count from 1 to ``threshold - 1``, then, in each row or column with
    a single masked cell, its smallest other cell (a non-zero one first), repeated until
    every line holds none or at least two."""
    masked = [[0 < value < threshold for value in row] for row in table]
    height = len(table)
    width = max((len(row) for row in table), default=0)
    lines = [[(r, c) for c in range(len(table[r]))] for r in range(height)] + [
        [(r, c) for r in range(height) if c < len(table[r])] for c in range(width)
    ]
    changed = True
    while changed:  # each pass masks one more cell or stops: it ends
        changed = False
        for line in lines:
            if sum(masked[r][c] for r, c in line) != 1:
                continue
            shown = [(r, c) for r, c in line if not masked[r][c]]
            if not shown:
                continue
            r, c = min(
                shown,
                key=lambda cell: (table[cell[0]][cell[1]] == 0, table[cell[0]][cell[1]], cell),
            )
            masked[r][c] = True
            changed = True
    return masked


def masked_label(threshold: int) -> str:
    return f"< {threshold}"


def suppress_small_cells(
    table: Sequence[Sequence[int]], *, threshold: int | None = None
) -> list[list[Cell]]:
    """``table`` with its masked counts shown as "< threshold" (``STATISTICS_SMALL_CELL``
    unless given); the table given is left as it was."""
    threshold = settings.STATISTICS_SMALL_CELL if threshold is None else threshold
    mask = suppress(table, threshold=threshold)
    label = masked_label(threshold)
    return [
        [label if masked else count for count, masked in zip(row, masks, strict=True)]
        for row, masks in zip(table, mask, strict=True)
    ]
