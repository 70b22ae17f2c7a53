import pytest
from django.urls import reverse

from tests.utils import run_manage


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    body = client.get(reverse("healthz")).json()
    assert body["broker"] == "unavailable"


@pytest.mark.django_db
def test_healthz_reports_redis_when_it_answers(client, settings, requires_redis):
    settings.CELERY_BROKER_URL = requires_redis
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    # A separate process, so that the test database itself stays untouched.
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.test import Client; r = Client(HTTP_HOST='127.0.0.1').get('/healthz/');"
        "print(r.status_code, r.json()['database'])",
        DATABASE_URL="sqlite:////nonexistent-directory/db.sqlite3",
        VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["503", "unavailable"], result.stderr
