import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_VARIABLES = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests only
}


def run_python(*args, timeout=120, **env):
    """Runs this interpreter on the repository's own code (``manage.py …``, ``-m module …``)
    in a fresh process with only the given settings variables."""
    environment = {key: value for key, value in os.environ.items() if key not in SERVER_VARIABLES}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own code with fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_manage(*args, **env):
    """Runs manage.py in a fresh process with only the given settings variables."""
    return run_python("manage.py", *args, **env)


def recent_events(client, beneficiary):
    """The panel of a file's latest events, which the file page loads with htmx."""
    from django.urls import reverse

    url = reverse("accompaniment:timeline_recent", args=[beneficiary.pk])
    return client.get(url, HTTP_HX_REQUEST="true")
