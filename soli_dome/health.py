"""`/healthz/`: is the platform able to serve? 200 while the database answers, 503 otherwise.

The broker state is reported but does not fail the check: without Redis, reminders wait in the
database outbox and pages keep working.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def broker_answers():
    broker = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    )
    try:
        with broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any failure to reach the broker means "unavailable"
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    database_ok = database_answers()
    broker_ok = broker_answers()
    body = {
        "status": "ok" if database_ok else "error",
        "database": "ok" if database_ok else "unavailable",
        "broker": "ok" if broker_ok else "unavailable",
    }
    return JsonResponse(body, status=200 if database_ok else 503)
