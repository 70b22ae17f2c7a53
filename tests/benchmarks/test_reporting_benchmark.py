"""The reporting benchmark runs end to end on a small generated programme, so that it cannot
break silently between two runs of its full size (`python -m benchmarks.reporting`)."""

import pytest

from accompaniment import load_data
from accompaniment.reporting.exports import KINDS
from soli_dome.users.models import User
from tests.benchmarks.conftest import run_benchmark

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("small_programme")]


def test_the_benchmark_times_the_statistics_and_the_sessions_exports(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nWritten by hand, kept.\n")
    run_benchmark(
        "benchmarks.reporting",
        "--output",
        str(report),
        "--exports",
        "coordinator:streamed:csv",
        "accompanier:worker:xlsx",
    )
    rows = [
        line.split(" | ")[:4]
        for line in report.read_text().splitlines()
        if line.startswith("| CSV") or line.startswith("| XLSX")
    ]
    assert rows == [
        ["| CSV", "coordinator", sessions_exported_for(load_data.COORDINATOR_EMAIL), "streamed"],
        ["| XLSX", "accompanier", sessions_exported_for(load_data.accompanier_email(1)), "worker"],
    ]


def sessions_exported_for(email: str) -> str:
    user = User.objects.get(email=email)
    return f"{KINDS['seances'].rows(user).count():,}"
