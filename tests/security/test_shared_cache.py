"""The login limit is counted in the shared cache (Redis), so that it holds across every web
process: here two real servers on the test database, one person's failures spread over both."""

import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import global_settings
from django.db import connections

from benchmarks.client import Browser
from tests.notifications.test_faults import database_url
from tests.users.factories import UserFactory
from tests.utils import ROOT, SERVER_VARIABLES, run_manage

PASSWORD = "des-courgettes-au-marche"  # noqa: S105 - a test account's password


def test_the_cache_is_on_redis_when_the_broker_is(tmp_path):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    redis = run_manage(
        "shell", "-c", code, CELERY_BROKER_URL="redis://127.0.0.1:6379/3", VAR_DIR=str(tmp_path)
    )
    assert redis.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache", (
        redis.stderr
    )
    environment = {key: "" for key in ("REDIS_URL", "CELERY_BROKER_URL")}
    local = run_manage("shell", "-c", code, VAR_DIR=str(tmp_path), **environment)
    assert (
        local.stdout.strip().splitlines()[-1] == "django.core.cache.backends.locmem.LocMemCache"
    ), local.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Servers:
    """``manage.py runserver`` processes on the test database and the shared Redis cache."""

    def __init__(self, redis: str, tmp_path):
        self.environment = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
        self.environment.update(
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=redis,
            REDIS_URL=redis,
            CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}",  # nothing from another run
            VAR_DIR=str(tmp_path),
            CONN_MAX_AGE="0",  # no connection left open once a request is answered
        )
        self.processes: list[subprocess.Popen] = []
        self.logs: list = []
        self.tmp_path = tmp_path

    def start(self) -> int:
        port = free_port()
        log = (self.tmp_path / f"server-{port}.log").open("w")
        self.logs.append(log)
        self.processes.append(
            subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
                [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"]
                + [f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return port
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server on {port} did not start")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


def attempt(port: int, email: str, password: str) -> tuple[int, str]:
    browser = Browser(port)
    response, body = browser.post_form("/compte/login/", {"login": email, "password": password})
    return response.status, body.decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows", "requires_postgresql")
def test_the_login_limit_holds_across_two_server_processes(requires_redis, tmp_path, settings):
    # The servers check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    person = UserFactory(accompanier=True, password=PASSWORD)
    colleague = UserFactory(accompanier=True, password=PASSWORD)
    servers = Servers(requires_redis, tmp_path)
    try:
        first, second = servers.start(), servers.start()
        # ACCOUNT_RATE_LIMITS allows 5 failures per account in 5 minutes: 3 here, 2 there.
        for port in (first, first, first, second, second):
            status, page = attempt(port, person.email, "pas-le-bon-mot-de-passe")
            assert status == 200 and "Trop de tentatives" not in page
        status, page = attempt(first, person.email, PASSWORD)
        assert status == 200, "the right password must not open the account now"
        assert "Trop de tentatives de connexion manquées" in page
        status, page = attempt(second, person.email, PASSWORD)
        assert "Trop de tentatives de connexion manquées" in page
        # The limit is the person's: a colleague still logs in on either server.
        assert attempt(second, colleague.email, PASSWORD)[0] == 302
    finally:
        servers.stop()
        connections.close_all()
