"""The page benchmark runs end to end on a small generated programme, so that it cannot
break silently between two runs of its full size (`python -m benchmarks.pages`)."""

import shutil

import pytest

from tests.benchmarks.conftest import run_benchmark
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("small_programme")]


def test_the_benchmark_measures_pages_beside_its_two_references(tmp_path):
    if not shutil.which("wrk"):
        skip_or_fail("the page benchmark needs wrk (apt install wrk)")
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nWritten by hand, kept.\n")
    run_benchmark(
        "benchmarks.pages", "--duration=1", "--only", "portal home", "--output", str(report)
    )
    text = report.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert (
        "Written by hand, kept." in text,
        [row.split(" | ")[0].lstrip("| ") for row in rows[1:]],
    ) == (
        True,
        [
            "bare view, one row (reference)",
            "admin beneficiary change list (reference)",
            "portal home",
        ],
    )
