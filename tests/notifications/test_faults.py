"""Process-level faults: real Celery workers (with their beat) on the test database.

(a) one reminder per participant, sent once; (b) the broker unreachable: pages keep working,
reminders wait and then all go; (c) a worker killed in the middle of a batch: after a restart
nothing is lost and nothing sent twice; (d) two workers and two beats: no duplicates.

The workers send SMS through the file backend, which records every delivery in one file shared
by the processes: the tests count deliveries there. They need PostgreSQL (the workers must see
the committed test data: ``transaction=True``) and Redis; each test uses its own queue, and
stops only the process groups it started.
"""

import collections
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from soli_dome.celery import app
from soli_dome.notifications.models import Notification
from tests.accompaniment.test_sessions import local, session_data
from tests.conftest import skip_or_fail
from tests.notifications.factories import NotificationFactory, reachable
from tests.utils import ROOT, SERVER_VARIABLES

# A worker with its embedded beat, as `make run` starts it.
WORKER_WITH_BEAT = [
    sys.executable,
    "-m",
    "celery",
    "-A",
    "soli_dome",
    "worker",
    "--beat",
    "--pool=solo",
    "--loglevel=WARNING",
]

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows"),
]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Workers:
    def __init__(self, tmp_path, broker):
        self.tmp_path = tmp_path
        self.broker = broker
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.deliveries = tmp_path / "sms.jsonl"
        self.processes = []

    def start(self, name, *, broker=None, sms_delay=0.0):
        environment = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
        environment.update(
            DATABASE_URL=database_url(),
            CONN_MAX_AGE="0",
            CELERY_BROKER_URL=broker or self.broker,
            CELERY_QUEUE=self.queue,
            VAR_DIR=str(self.tmp_path / name),  # its own beat schedule file
            SMS_BACKEND="soli_dome.notifications.sms.FileBackend",
            SMS_QUIET_HOURS="",  # the tests run at any hour
            SMS_FILE_PATH=str(self.deliveries),
            SMS_FILE_DELAY=str(sms_delay),
            NOTIFICATION_DISPATCH_INTERVAL="1",
            NOTIFICATION_LEASE_SECONDS="4",
            NOTIFICATION_BATCH_SIZE="10",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        with (self.tmp_path / f"{name}.log").open("ab") as log:
            process = self._popen(environment, name, log)
        self.processes.append(process)
        return process

    def _popen(self, environment, name, log):
        return subprocess.Popen(  # noqa: S603 - our own Celery app with fixed arguments
            [
                *WORKER_WITH_BEAT,
                "--hostname",
                f"{name}-{self.queue}@test",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the embedded beat goes with it
        )

    def kill(self, process):
        """SIGKILL to the worker and its embedded beat, nothing else."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process in self.processes:
            self.kill(process)

    def delivered(self):
        if not self.deliveries.exists():
            return collections.Counter()
        lines = self.deliveries.read_text(encoding="utf-8").splitlines()
        return collections.Counter(json.loads(line)["key"] for line in lines if line)

    def logs(self):
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.tmp_path.glob("*.log"))


def wait_until(condition, workers, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out; worker logs:\n{workers.logs()}")


@pytest.fixture
def workers(transactional_db, requires_postgresql, requires_redis, tmp_path):
    workers = Workers(tmp_path, requires_redis)
    yield workers
    workers.stop_all()


def keys():
    return set(Notification.objects.values_list("idempotency_key", flat=True))


def all_sent():
    return not Notification.objects.exclude(status=Notification.Status.SENT).exists()


def schedule_for(client, accompanier, people):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:session_create"),
        session_data(
            kind="collective",
            participants=[p.pk for p in people],
            starts_at=local(5).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302


def test_a_scheduled_session_sends_one_reminder_per_participant_once(
    workers, client, accompanier, beneficiary_of
):
    people = [reachable(beneficiary_of(accompanier)) for _ in range(3)]
    schedule_for(client, accompanier, people)
    Notification.objects.update(due_at=timezone.now())  # the reminders' time has come
    workers.start("w1")
    wait_until(all_sent, workers)
    time.sleep(2)  # more beats: nothing more goes
    reminders = Notification.objects.filter(kind=Notification.Kind.SESSION_REMINDER)
    assert reminders.count() == 3
    assert workers.delivered() == collections.Counter(keys())


def test_with_the_broker_unreachable_pages_work_and_reminders_wait_then_go(
    workers, client, accompanier, beneficiary_of
):
    unreachable = f"redis://127.0.0.1:{closed_port()}/0"
    stranded = workers.start("stranded", broker=unreachable)
    people = [reachable(beneficiary_of(accompanier)) for _ in range(3)]
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200
    schedule_for(client, accompanier, people)
    Notification.objects.update(due_at=timezone.now())
    time.sleep(4)
    assert workers.delivered() == collections.Counter()
    workers.kill(stranded)
    workers.start("back")  # the broker is reachable again
    wait_until(all_sent, workers)
    assert workers.delivered() == collections.Counter(keys())


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(workers):
    NotificationFactory.create_batch(12)
    first = workers.start("first", sms_delay=0.4)
    wait_until(lambda: sum(workers.delivered().values()) >= 3, workers)
    workers.kill(first)
    # Killed in the middle of a send: that message's fate is left to the recovery.
    assert Notification.objects.filter(status=Notification.Status.SENDING).exists()
    workers.start("second", sms_delay=0.05)
    wait_until(all_sent, workers)
    assert workers.delivered() == collections.Counter(keys())


def test_two_workers_and_two_beats_send_each_message_once(workers):
    NotificationFactory.create_batch(40)
    workers.start("one", sms_delay=0.02)
    workers.start("two", sms_delay=0.02)
    wait_until(all_sent, workers)
    time.sleep(2)
    assert workers.delivered() == collections.Counter(keys())


def test_the_embedded_default_sends_due_reminders(tmp_path):
    """SQLite and the file-system broker, as `make run` starts them: no server at all."""
    environment = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    environment.update(
        VAR_DIR=str(tmp_path),
        SMS_BACKEND="soli_dome.notifications.sms.FileBackend",
        SMS_QUIET_HOURS="",  # the tests run at any hour
        SMS_FILE_PATH=str(tmp_path / "sms.jsonl"),
        NOTIFICATION_DISPATCH_INTERVAL="1",
    )

    def manage(*args):
        subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=120,
        )

    manage("migrate", "--noinput")
    manage(
        "shell",
        "-c",
        "from django.utils import timezone; from soli_dome.users.models import User; "
        "from soli_dome.notifications import outbox; "
        "user = User.objects.create_user('a@example.org', role='accompanier'); "
        "outbox.write(key='embedded', kind='accompanier_digest', channel='sms', recipient=user, "
        "address='+33612345678', language='fr', due_at=timezone.now(), content={'body': 'Test'})",
    )
    workers = Workers(tmp_path, broker="filesystem://")
    try:
        with (tmp_path / "embedded.log").open("ab") as log:
            workers.processes.append(
                subprocess.Popen(  # noqa: S603 - the command of `make run`
                    WORKER_WITH_BEAT,
                    cwd=ROOT,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        wait_until(lambda: workers.delivered() == {"embedded": 1}, workers)
    finally:
        workers.stop_all()


def test_the_benchmark_sends_every_message_once(
    transactional_db, requires_postgresql, requires_redis, settings, monkeypatch
):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        skip_or_fail("the benchmark needs CELERY_BROKER_URL set to a Redis server")
    monkeypatch.setenv("DATABASE_URL", database_url())  # its workers use the test database
    monkeypatch.setenv("SMS_QUIET_HOURS", "")
    app.conf.task_always_eager = False  # it hands its tasks to real workers
    report = io.StringIO()
    call_command(
        "bench_outbox", "--count", "300", "--workers", "1", "--timeout", "60", stdout=report
    )
    assert "duplicates: 0, lost: 0" in report.getvalue()
