"""What the benchmarks' own tests share: a small generated programme on PostgreSQL, and the
benchmark run as a command, as a developer runs it."""

import subprocess

import pytest
from django.conf import global_settings
from django.core.management import call_command
from django.db import connection

from tests.conftest import redis_url, skip_or_fail
from tests.notifications.test_faults import database_url
from tests.utils import run_python


@pytest.fixture
def small_programme(transactional_db, reference_rows, settings):
    if connection.vendor != "postgresql":
        skip_or_fail("the benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    # The benchmarks' servers check passwords with the production hashers, not the tests' one.
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


def run_benchmark(module: str, *arguments: str) -> subprocess.CompletedProcess:
    """``python -m module arguments`` on the test database; fails the test on an error."""
    result = run_python(
        "-m",
        module,
        *arguments,
        timeout=240,
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=redis_url(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result
