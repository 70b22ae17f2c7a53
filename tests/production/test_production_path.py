"""The production path, replayed as the image build and docker-compose.yml run it.

A copy of the build context (the tree minus ``.dockerignore``), the production requirements in a
fresh virtual environment, ``deploy/collect-static`` with DEBUG off, then ``deploy/start-web``
(migrations, gunicorn), ``deploy/start-worker`` and ``deploy/start-beat`` on PostgreSQL and
Redis: a demo account logs in, a page and a hashed static file load, ``/healthz/`` answers and a
message written to the outbox is sent by the worker that beat woke. Docker itself does not run
on CI machines; every command it would run does, from the same files.

The server gets a database of its own (created and dropped here) and a queue of its own; the
processes started here are stopped by their process group, and only those.
"""

import fnmatch
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.conftest import redis_url, skip_or_fail, tcp_answers
from tests.utils import ROOT

pytestmark = pytest.mark.services

DEMO_PASSWORD = "solidome-demo"  # the documented demo password, not a secret
SECRET_KEY = "production-path-test-" + "k" * 40
FORWARDED_HTTPS = {"X-Forwarded-Proto": "https"}


def build_context(source: Path, destination: Path) -> None:
    """Copy ``source`` as ``docker build`` would send it: without what .dockerignore lists."""
    patterns = [
        line.strip().rstrip("/")
        for line in (source / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        for pattern in patterns:
            if pattern.startswith("**/"):
                if fnmatch.fnmatch(name, pattern[3:]):
                    return True
            elif fnmatch.fnmatch(relative, pattern):
                return True
        return False

    for directory, subdirectories, files in os.walk(source):
        base = Path(directory).relative_to(source)
        subdirectories[:] = [d for d in subdirectories if not ignored(str(base / d))]
        for name in files:
            relative = base / name
            if not ignored(str(relative)):
                (destination / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / relative, destination / relative)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Production:
    """The copied tree, its virtual environment and the processes started from them."""

    def __init__(self, root: Path, database: str):
        self.app = root / "app"
        self.venv = root / "venv"
        self.port = free_port()
        self.processes: list[subprocess.Popen] = []
        db = connection.settings_dict
        self.admin_url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
        )
        self.database = database
        self.queue = f"production-path-{uuid.uuid4().hex[:8]}"
        self.environment = {
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(root),
            "LANG": "C.UTF-8",
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": self.admin_url.rsplit("/", 1)[0] + f"/{database}",
            "CELERY_BROKER_URL": redis_url(),
            "CELERY_QUEUE": self.queue,
            "SECURE_PROXY_SSL_HEADER_ENABLED": "true",
            "VAR_DIR": str(self.app / "var"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "NOTIFICATION_DISPATCH_INTERVAL": "1",
            "LOG_LEVEL": "WARNING",
            # The demo accounts log in with a password alone (no TOTP device in the seed).
            "MFA_REQUIRED_ROLES": "",
        }

    def administer(self, statement: str) -> None:
        """Run ``statement`` on the server's maintenance database, on a connection of its own
        (closed at once: the test database must have no stray session when it is dropped)."""
        with psycopg.connect(self.admin_url, autocommit=True) as maintenance:
            maintenance.execute(statement)

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - the test's own fixed commands
            command,
            cwd=self.app,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
        return result

    def start(self, script: str, log_name: str) -> subprocess.Popen:
        with (self.app / "var" / log_name).open("w") as log:
            process = subprocess.Popen(  # noqa: S603
                ["sh", script],  # noqa: S607 - sh from the PATH, as in the image
                cwd=self.app,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as a whole below
            )
        self.processes.append(process)
        return process

    def log(self, log_name: str) -> str:
        return (self.app / "var" / log_name).read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def request(self, method, path, *, headers=None, body=None):
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            client.request(
                method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})}
            )
            response = client.getresponse()
            return response, response.read()
        finally:
            client.close()


def set_cookies(response) -> dict[str, str]:
    cookies = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    if connection.vendor != "postgresql":
        skip_or_fail("the production path needs PostgreSQL: set DATABASE_URL=postgres://…")
    if not tcp_answers(redis_url(), 6379):
        skip_or_fail(f"the production path needs Redis at {redis_url()}")
    root = tmp_path_factory.mktemp("production")
    (root / "app").mkdir()
    build_context(ROOT, root / "app")
    prod = Production(root, database=f"solidome_production_path_{uuid.uuid4().hex[:8]}")

    subprocess.run([sys.executable, "-m", "venv", str(prod.venv)], check=True)  # noqa: S603
    # As the Dockerfile does: only the production lock, every package checked by its hash.
    prod.run("pip", "install", "--quiet", "--require-hashes", "-r", "requirements/prod.txt")
    prod.run("sh", "deploy/collect-static")
    prod.administer(f'CREATE DATABASE "{prod.database}"')
    try:
        web = prod.start("deploy/start-web", "web.log")
        deadline = time.monotonic() + 180
        while True:
            assert web.poll() is None, f"the web server stopped:\n{prod.log('web.log')}"
            healthcheck = subprocess.run(  # noqa: S603
                ["python", "deploy/healthcheck.py"],  # noqa: S607 - the venv's python
                cwd=prod.app,
                env={
                    **prod.environment,
                    "HEALTHCHECK_URL": f"http://127.0.0.1:{prod.port}/healthz/",
                },
                check=False,
            )
            if healthcheck.returncode == 0:
                break
            assert time.monotonic() < deadline, f"no healthy server:\n{prod.log('web.log')}"
            time.sleep(1)
        prod.run("python", "manage.py", "seed_demo", "--force", "--password", DEMO_PASSWORD)
        yield prod
    finally:
        prod.stop()
        prod.administer(f'DROP DATABASE IF EXISTS "{prod.database}" WITH (FORCE)')


def test_collected_static_files_have_a_manifest(production):
    manifest = json.loads((production.app / "var" / "static" / "staticfiles.json").read_text())
    assert "vendor/leaflet-1.9.4/leaflet.js" in manifest["paths"]


def test_health_reports_database_and_broker(production):
    response, body = production.request("GET", "/healthz/")
    assert (response.status, json.loads(body)) == (
        200,
        {"status": "ok", "database": "ok", "broker": "ok"},
    )


def test_a_demo_coordinator_logs_in_and_sees_the_dashboard(production):
    response, body = production.request("GET", "/compte/login/", headers=FORWARDED_HTTPS)
    cookies = set_cookies(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"csrfmiddlewaretoken={token}&login=coordination%40example.org&password={DEMO_PASSWORD}"
    response, _ = production.request(
        "POST",
        "/compte/login/",
        body=form,
        headers={
            **FORWARDED_HTTPS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Referer": "https://127.0.0.1/compte/login/",
        },
    )
    assert response.status == 302, response.getheaders()
    cookies.update(set_cookies(response))
    response, body = production.request(
        "GET", "/tableau-de-bord/", headers={**FORWARDED_HTTPS, "Cookie": cookie_header(cookies)}
    )
    assert (response.status, "Claire" in body.decode()) == (200, True)


def test_hashed_static_files_are_compressed_and_cached_for_ever(production):
    _, body = production.request("GET", "/compte/login/", headers=FORWARDED_HTTPS)
    stylesheet = re.search(rb'href="(/static/css/solidome\.[0-9a-f]{12}\.css)"', body).group(1)
    response, _ = production.request(
        "GET", stylesheet.decode(), headers={**FORWARDED_HTTPS, "Accept-Encoding": "gzip"}
    )
    assert (
        response.status,
        response.getheader("Content-Encoding"),
        "immutable" in response.getheader("Cache-Control", ""),
        "max-age=315360000" in response.getheader("Cache-Control", ""),
    ) == (200, "gzip", True, True)


def test_plain_http_is_redirected_to_https(production):
    response, _ = production.request("GET", "/compte/login/")
    assert (response.status, response.getheader("Location")) == (
        301,
        "https://127.0.0.1/compte/login/",
    )


def test_the_worker_woken_by_beat_sends_a_message_from_the_outbox(production):
    write_message = (
        "from django.utils import timezone; "
        "from soli_dome.notifications import outbox; "
        "from soli_dome.notifications.models import Notification; "
        "from soli_dome.users.models import User; "
        "user = User.objects.get(email='coordination@example.org'); "
        "outbox.write(key='production-path', kind=Notification.Kind.COORDINATOR_DIGEST, "
        "channel='email', recipient=user, address=user.email, language='fr', "
        "due_at=timezone.now(), content={'subject': 'Essai', 'body': 'Essai', 'html_body': ''})"
    )
    production.run("python", "manage.py", "shell", "--no-imports", "-c", write_message)
    worker = production.start("deploy/start-worker", "worker.log")
    beat = production.start("deploy/start-beat", "beat.log")
    read_status = (
        "from soli_dome.notifications.models import Notification; "
        "print(Notification.objects.get(idempotency_key='production-path').status)"
    )
    deadline = time.monotonic() + 90
    status = "pending"
    while status != "sent" and time.monotonic() < deadline:
        assert worker.poll() is None, production.log("worker.log")
        assert beat.poll() is None, production.log("beat.log")
        time.sleep(2)
        status = production.run(
            "python", "manage.py", "shell", "--no-imports", "-c", read_status
        ).stdout.strip()
    assert status == "sent", production.log("worker.log") + production.log("beat.log")


def test_the_image_and_compose_start_from_the_deploy_scripts_this_test_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert (
        "RUN sh deploy/collect-static" in dockerfile,
        'CMD ["sh", "deploy/start-web"]' in dockerfile,
        'CMD ["python", "deploy/healthcheck.py"]' in dockerfile,
        [
            f'command: ["sh", "deploy/start-{name}"]' in compose
            for name in ("web", "worker", "beat")
        ],
        'test: ["CMD", "python", "deploy/healthcheck.py"]' in compose,
    ) == (True, True, True, [True, True, True], True)
