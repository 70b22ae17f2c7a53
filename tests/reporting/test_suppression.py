"""Small-cell suppression: the pure function behind the funder report."""

from hypothesis import given
from hypothesis import strategies as st

from accompaniment.reporting.suppression import suppress, suppress_small_cells


def test_a_small_count_is_masked_with_the_next_smallest_of_its_row():
    assert suppress([[3, 10, 12]], threshold=5) == [[True, True, False]]


def test_counts_at_or_above_the_threshold_stay_shown():
    assert suppress([[5, 6], [7, 8]], threshold=5) == [[False, False], [False, False]]


def test_the_threshold_is_a_parameter():
    assert suppress([[3, 4, 7]], threshold=3) == [[False, False, False]]
    assert suppress([[3, 4, 7]], threshold=5) == [[True, True, False]]


def test_zeros_are_shown_and_masked_only_when_nothing_else_can_be():
    assert suppress([[0, 3, 9, 12]], threshold=5) == [[False, True, True, False]]
    assert suppress([[0, 3]], threshold=5) == [[True, True]]


def test_secondary_suppression_spreads_until_no_line_holds_a_single_masked_cell():
    # A 2 × 2 table with its row totals and its total row: masking the 2 alone would let
    # anyone subtract it from 10 or from 8.
    table = [
        [2, 8, 10],
        [6, 7, 13],
        [8, 15, 23],
    ]
    assert suppress(table, threshold=5) == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]


def test_a_small_total_is_masked_too():
    assert suppress([[1, 2, 3]], threshold=5) == [[True, True, True]]


def test_a_line_of_one_cell_cannot_hide_more():
    assert suppress([[3]], threshold=5) == [[True]]


def _lines(table):
    rows = [[(r, c) for c in range(len(table[0]))] for r in range(len(table))]
    columns = [[(r, c) for r in range(len(table))] for c in range(len(table[0]))]
    return rows + columns


@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(min_value=0, max_value=30), min_size=width, max_size=width),
            min_size=1,
            max_size=6,
        )
    )
)
def test_no_small_count_shows_and_no_line_gives_one_back(table):
    masked = suppress(table, threshold=5)
    for row, masks in zip(table, masked, strict=True):
        for value, mask in zip(row, masks, strict=True):
            assert mask or not 0 < value < 5
    for line in _lines(table):
        hidden = sum(masked[r][c] for r, c in line)
        assert hidden != 1 or len(line) == 1


# Labelled: the outcome statistics' tables --------------------------------------------------


def test_masked_counts_read_below_the_threshold_and_the_table_given_stays():
    table = [[1, 4, 0, 12]]
    assert suppress_small_cells(table, threshold=5) == [["< 5", "< 5", 0, 12]]
    assert table == [[1, 4, 0, 12]]


def test_the_threshold_comes_from_settings(settings):
    settings.STATISTICS_SMALL_CELL = 10
    assert suppress_small_cells([[9, 10]]) == [["< 10", "< 10"]]
