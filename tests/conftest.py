"""Personas and the rules for tests that need servers.

With ``CI`` set, a test that needs PostgreSQL, Redis or Chromium fails when the server is
missing; on a newcomer's laptop it is skipped with the reason, and the rest runs on SQLite.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.db import connection

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import UserFactory

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI is set: this test must not be skipped)")
    pytest.skip(reason)


def redis_url():
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def tcp_answers(url, default_port):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def requires_postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://… to run it")


@pytest.fixture
def requires_redis():
    if not tcp_answers(redis_url(), 6379):
        skip_or_fail(f"needs Redis at {redis_url()}")
    return redis_url()


@pytest.fixture(autouse=True)
def _celery_runs_inline(settings):
    """Tasks run in the test process unless a test starts a real worker."""
    from soli_dome.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Hashing passwords the production way would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _cache_in_memory(settings):
    """Each test starts with an empty cache of its own: with REDIS_URL set the settings put
    the cache on Redis, where login limits and used codes would leak from test to test (the
    cross-process test starts servers on Redis itself)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    """Tests send SMS whatever the hour they run at; the quiet-hours tests set them back."""
    settings.SMS_QUIET_HOURS = ""


@pytest.fixture
def quiet_hours(settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS are kept in memory, like e-mails in ``mail.outbox``."""
    from soli_dome.notifications import sms

    settings.SMS_BACKEND = "soli_dome.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture(scope="session", autouse=True)
def _flush_may_empty_the_journal():
    """The database refuses DELETE and TRUNCATE on the journal (soli_dome/audit/purge.py). The
    flush that ends each transactional test opens it the way the purge does, inside the
    flush's own transaction; nothing else in the suite can."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from soli_dome.audit import purge

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        vendor = self.connection.vendor
        statements = [*purge.open_statements(vendor), *sql_list, *purge.close_statements(vendor)]
        return original(self, statements)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture
def reference_rows(transactional_db):
    """For transactional tests: the rows migrations load (communes, themes, the directory's
    vocabulary) loaded again, since an earlier transactional test ends by emptying every
    table; and no content type cached from before the flush, which recreated them."""
    from django.contrib.contenttypes.models import ContentType

    from accompaniment.vocabulary import load_reference_rows

    ContentType.objects.clear_cache()
    load_reference_rows()


@pytest.fixture
def coordinator(db):
    return UserFactory(coordinator=True)


@pytest.fixture
def accompanier(db):
    return UserFactory(accompanier=True)


@pytest.fixture
def other_accompanier(db):
    return UserFactory(accompanier=True)


@pytest.fixture
def beneficiary_of():
    def make(accompanier, **kwargs):
        return BeneficiaryFactory(accompanied_by=accompanier, **kwargs)

    return make


@pytest.fixture
def beneficiary_user(accompanier, beneficiary_of):
    """A beneficiary with an account, followed by ``accompanier``."""
    return beneficiary_of(accompanier, with_account=True).user
