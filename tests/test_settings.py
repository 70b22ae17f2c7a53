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
