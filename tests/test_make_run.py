"""`make run` serves on the port given (PORT, 8000 by default), and the links the platform
writes (SITE_URL) follow it."""

import shutil
import subprocess

import pytest
from django.conf import settings


def planned_run(*arguments):
    make = shutil.which("make")
    if make is None:
        pytest.skip("needs make")
    result = subprocess.run(  # noqa: S603 - make, dry run: prints the commands only
        [make, "--dry-run", "--always-make", "run", *arguments],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    return result.stdout


def test_make_run_takes_a_port_and_site_url_follows_it():
    commands = planned_run("PORT=8123")
    assert "manage.py runserver 127.0.0.1:8123" in commands
    assert commands.count("SITE_URL=http://127.0.0.1:8123 ") == 2  # web server and worker


def test_make_run_defaults_to_port_8000():
    commands = planned_run()
    assert "manage.py runserver 127.0.0.1:8000" in commands


def test_a_site_url_given_is_kept():
    commands = planned_run("PORT=8123", "SITE_URL=https://solidome.example.org")
    assert "SITE_URL=https://solidome.example.org " in commands
