"""Benchmark of the outbox: how fast real Celery workers drain a backlog of due messages.

    python manage.py bench_outbox --count 20000 --workers 1 2

Run it against PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL). For each number of
workers it writes ``count`` SMS due now, starts that many ``celery worker`` processes on a
queue of its own, hands each one dispatch task (a task drains until nothing is due), waits
until every message is sent, and prints messages per second, the p95 lateness (sent_at −
due_at), and the duplicates and losses counted in the file the SMS backend writes (one line
per delivery, shared by the workers). The messages and the file are removed afterwards.
"""

import collections
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from soli_dome.celery import app
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from soli_dome.users.models import User

KEY_PREFIX = "bench:"


class Command(BaseCommand):
    help = "Measure how fast Celery workers send a backlog of due messages."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20000)
        parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
        parser.add_argument("--timeout", type=int, default=1800, help="seconds per run")

    def handle(self, *args, count, workers, timeout, **options):
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            raise CommandError("Set CELERY_BROKER_URL to a Redis server for the benchmark.")
        if outbox.in_quiet_hours(timezone.now()):
            raise CommandError(
                "No SMS leaves in the quiet hours (SMS_QUIET_HOURS): run it in the day."
            )
        self.stdout.write(self.machine())
        for number in workers:
            self.stdout.write(self.run(count=count, workers=number, timeout=timeout))

    def machine(self):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        database = connection.vendor
        if database == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                database += " " + cursor.fetchone()[0]
        return (
            f"machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{database}, broker {settings.CELERY_BROKER_URL.split('://')[0]}"
        )

    def wait_for(self, hostnames, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answers = app.control.ping(destination=hostnames, timeout=1)
            if len(answers) == len(hostnames):
                return
        raise CommandError("the workers did not start")

    def run(self, *, count, workers, timeout):
        Notification.objects.filter(idempotency_key__startswith=KEY_PREFIX).delete()
        # An active account (the send-time checks drop messages to deactivated ones) that
        # cannot log in: no role, no usable password.
        user, _created = User.objects.update_or_create(
            email="bench@example.invalid", defaults={"role": "", "is_active": True}
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(
                kind=Notification.Kind.SESSION_REMINDER,
                channel=Notification.Channel.SMS,
                recipient=user,
                address="+33600000000",
                body="Soli'dome : rappel de votre rendez-vous le 12/03 à 14:30. Bench.",
                due_at=now,
                idempotency_key=f"{KEY_PREFIX}{workers}:{n}",
            )
            for n in range(count)
        )
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        with tempfile.TemporaryDirectory() as folder:
            deliveries = Path(folder) / "sms.jsonl"
            environment = {
                **os.environ,
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                "CELERY_QUEUE": queue,
                "VAR_DIR": folder,
                "SMS_BACKEND": "soli_dome.notifications.sms.FileBackend",
                "SMS_FILE_PATH": str(deliveries),
                "NOTIFICATION_DISPATCH_TIME_LIMIT": str(timeout),
                "NOTIFICATION_BATCH_SIZE": "50",
            }
            processes = [
                subprocess.Popen(  # noqa: S603 - our own Celery app with fixed arguments
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "soli_dome",
                        "worker",
                        "--pool=solo",
                        "--loglevel=WARNING",
                        "--hostname",
                        f"{queue}-{n}@bench",
                    ],
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                for n in range(workers)
            ]
            try:
                self.wait_for([f"{queue}-{n}@bench" for n in range(workers)])
                # Timing starts with workers ready: their start-up is not the outbox's cost.
                Notification.objects.filter(idempotency_key__startswith=KEY_PREFIX).update(
                    due_at=timezone.now()
                )
                started = time.monotonic()
                for _n in range(workers):
                    app.send_task("notifications.dispatch_due", queue=queue)
                mine = Notification.objects.filter(idempotency_key__startswith=KEY_PREFIX)
                while mine.exclude(status=Notification.Status.SENT).exists():
                    if time.monotonic() - started > timeout:
                        raise CommandError(f"not finished after {timeout} s")
                    dropped = mine.filter(
                        status__in=[Notification.Status.FAILED, Notification.Status.CANCELLED]
                    ).count()
                    if dropped:
                        raise CommandError(f"{dropped} messages failed or were cancelled")
                    time.sleep(0.2)
                elapsed = time.monotonic() - started
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait(timeout=30)
            delivered = collections.Counter(
                json.loads(line)["key"] for line in deliveries.read_text().splitlines()
            )
        lateness = [
            (sent_at - due_at).total_seconds()
            for sent_at, due_at in mine.values_list("sent_at", "due_at")
        ]
        expected = set(mine.values_list("idempotency_key", flat=True))
        duplicates = sum(n - 1 for n in delivered.values())
        lost = len(expected - set(delivered))
        mine.delete()
        p95 = statistics.quantiles(lateness, n=20)[-1]
        return (
            f"workers: {workers}, messages: {count}, time: {elapsed:.1f} s, "
            f"rate: {count / elapsed:.0f} messages/s, lateness p95: {p95:.1f} s, "
            f"duplicates: {duplicates}, lost: {lost}"
        )
