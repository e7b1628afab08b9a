import os
import subprocess
import sys

from django.conf import settings


def _run(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"RENKEI_ENV", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "renkei.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_laptop_defaults_are_safe():
    assert settings.DEBUG is False
    assert "ja" in dict(settings.LANGUAGES)


def test_production_profile_passes_check_deploy(tmp_path):
    result = _run(
        {"RENKEI_ENV": "production", "SECRET_KEY": "x" * 30 + "prod-Secret-Value-9876543210abcdefgh",
         "ALLOWED_HOSTS": "renkei.example.org", "RENKEI_VAR_DIR": str(tmp_path)},
        "check", "--deploy", "--fail-level", "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret(tmp_path):
    result = _run({"RENKEI_ENV": "production", "RENKEI_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sqlite_uses_wal(tmp_path):
    db = tmp_path / "wal.sqlite3"
    result = _run(
        {"DATABASE_URL": f"sqlite:///{db}", "RENKEI_VAR_DIR": str(tmp_path)},
        "shell", "-c", "from django.db import connection; c=connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("wal")


def test_console_command_is_installed():
    from pathlib import Path

    script = Path(sys.executable).parent / "renkei"
    assert script.exists()
    result = subprocess.run([str(script), "help", "demo"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "demo data" in result.stdout


def test_production_refuses_a_short_secret(tmp_path):
    result = _run({"RENKEI_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "renkei.example.org",
                   "RENKEI_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr
