"""The small-cell rule of every table of counts of people (soli_dome/statistics.py)."""

from soli_dome.statistics import suppress_count, suppress_small_cells


def test_small_counts_show_as_below_the_threshold_and_zeros_stay():
    assert suppress_small_cells([[0, 5, 12]], threshold=5) == [[0, 5, 12]]
    assert suppress_small_cells([[1, 4, 0]], threshold=5) == [["< 5", "< 5", 0]]


def test_a_row_with_one_hidden_count_hides_its_next_smallest():
    # 3 alone could be found again from the total 30: the 7 goes too.
    table = [[3, 7, 20, 30]]
    assert suppress_small_cells(table, threshold=5) == [["< 5", "< 5", 20, 30]]


def test_a_column_with_one_hidden_count_hides_another():
    # The 2 makes the 9 beside it go (row); then each column has one hidden count, so the
    # 6 and the 7 below go too, and every row and column is left with two hidden or none.
    table = [[2, 9, 30], [6, 7, 20]]
    assert suppress_small_cells(table, threshold=5) == [
        ["< 5", "< 5", 30],
        ["< 5", "< 5", 20],
    ]


def test_secondary_suppression_never_hides_a_zero():
    assert suppress_small_cells([[0, 2, 9, 11]], threshold=5) == [[0, "< 5", "< 5", 11]]
    assert suppress_small_cells([[3, 0, 3], [0, 0, 0]], threshold=5) == [
        ["< 5", 0, "< 5"],
        [0, 0, 0],
    ]


def test_the_threshold_comes_from_settings(settings):
    settings.STATISTICS_SMALL_CELL = 10
    assert suppress_small_cells([[9, 10]]) == [["< 10", "< 10"]]
    assert suppress_count(3) == "< 10"
    assert suppress_count(0) == 0


def test_the_table_given_is_left_as_it_was():
    table = [[1, 8]]
    suppress_small_cells(table, threshold=5)
    assert table == [[1, 8]]
