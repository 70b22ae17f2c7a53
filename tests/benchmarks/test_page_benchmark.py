"""The page benchmark runs end to end on a small generated programme, so that it cannot
break silently between two runs of its full size (`python -m benchmarks.pages`)."""

import os
import shutil
import subprocess
import sys

import pytest
from django.conf import global_settings
from django.core.management import call_command
from django.db import connection

from tests.conftest import redis_url, skip_or_fail
from tests.notifications.test_faults import database_url
from tests.utils import ROOT, SERVER_VARIABLES

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows"),
]


def test_the_benchmark_measures_pages_beside_its_two_references(tmp_path, settings):
    if connection.vendor != "postgresql":
        skip_or_fail("the page benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    if not shutil.which("wrk"):
        skip_or_fail("the page benchmark needs wrk (apt install wrk)")
    # The server checks passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    call_command(
        "generate_load_data",
        "--beneficiaries=30",
        "--accompaniers=2",
        "--sessions=200",
        "--partners=10",
        "--notifications=20",
        "--journal-entries=20",
        "--heavy-file-sessions=20",
        "--verbosity=0",
    )
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nWritten by hand, kept.\n")
    environment = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    environment.update(DATABASE_URL=database_url(), CELERY_BROKER_URL=redis_url())
    result = subprocess.run(  # noqa: S603 - the repository's own benchmark
        [sys.executable, "-m", "benchmarks.pages", "--duration=1", "--only", "portal home"]
        + ["--output", str(report)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
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
