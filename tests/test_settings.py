"""Settings read from the environment: production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory

from articles.errors import server_error

ROOT = Path(settings.BASE_DIR)


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_required_when_debug_off():
    """With DEBUG off and no SECRET_KEY, Django refuses to start."""
    env = {k: v for k, v in os.environ.items() if "SECRET_KEY" not in k}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_clean_under_production_settings():
    """`check --deploy` reports nothing with DEBUG off and a real key."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + os.urandom(16).hex(),
        ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_boolean_fails_loudly():
    """A typo in DEBUG is an error, not silently True or False."""
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_sqlite_file_runs_in_wal_mode(tmp_path):
    """The default SQLite database uses WAL with a busy timeout."""
    db = tmp_path / "wal.sqlite3"
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0]); "
        "print(connection.settings_dict['OPTIONS']['timeout'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, DATABASE_URL=f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20"]


def test_language_and_time_zone():
    """Vietnamese, Asia/Ho_Chi_Minh, time-zone-aware datetimes."""
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_500_page_is_vietnamese_and_needs_no_database():
    """The 500 page renders from a static template, in Vietnamese."""
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="vi">' in html and "Đã có lỗi xảy ra" in html


def test_ci_runs_postgres_when_asked():
    """When DATABASE_URL names PostgreSQL, the suite really runs on PostgreSQL."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
