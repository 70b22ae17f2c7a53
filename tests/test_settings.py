import pytest

from tests.utils import run_manage


def test_development_settings_load_with_no_environment(tmp_path):
    result = run_manage("check", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", DEBUG="false", VAR_DIR=str(tmp_path))
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:6379/0"])
def test_production_settings_pass_the_deployment_checklist(tmp_path, broker):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-secret-for-the-test-" + "x" * 40,
        ALLOWED_HOSTS="solidome.example.org",
        DATABASE_URL="postgres://solidome@127.0.0.1:5432/solidome",
        CELERY_BROKER_URL=broker,
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_migrations_match_the_models(tmp_path):
    result = run_manage("makemigrations", "--check", "--dry-run", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout


def test_the_file_email_backend_writes_to_the_folder_given_in_the_environment(tmp_path):
    folder = tmp_path / "mail"
    result = run_manage(
        "sendtestemail",
        "personne@example.org",
        VAR_DIR=str(tmp_path),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(folder),
        DEFAULT_FROM_EMAIL="Soli'dôme <contact@solidome.example.org>",
    )
    assert result.returncode == 0, result.stderr
    (message,) = folder.iterdir()
    text = message.read_text()
    assert "To: personne@example.org" in text
    assert "contact@solidome.example.org" in text


def test_every_smtp_setting_comes_from_the_environment(tmp_path):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
        "s.EMAIL_TIMEOUT)",
        VAR_DIR=str(tmp_path),
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="solidome",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="7",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        *("smtp.example.org", "587", "solidome", "secret", "True", "False", "7")
    ]
