"""Start-up guards (newsroom/startup.py): a configuration mistake stops the process with
one line on stderr and a non-zero status, instead of a traceback or a server that answers
every page with a 500."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_KEY = "k" * 40 + os.urandom(16).hex()
MISSING_SECRET = "Tòa soạn cannot start: SECRET_KEY must be set when DEBUG is off."

# Variables of the test run (or of the shell) that would change what the child sees.
_CLEARED = {"DATABASE_URL", "DEBUG", "DJANGO_DEBUG", "SECRET_KEY", "DJANGO_SECRET_KEY"}
_CLEARED |= {"STATIC_ROOT", "DATABASE_REPLICA_URLS", "DJANGO_SETTINGS_MODULE"}


def run(args, timeout=60, **env):
    environment = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    environment.update(env)
    return subprocess.run(
        args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )


def python(*args, **env):
    return run([sys.executable, *args], **env)


def stderr_lines(result):
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture
def empty_static_root(tmp_path):
    path = tmp_path / "static-root"
    path.mkdir()
    return str(path)


@pytest.fixture
def collected_static_root(tmp_path):
    """A STATIC_ROOT with a (small) manifest, as collectstatic leaves one."""
    path = tmp_path / "collected"
    path.mkdir()
    (path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": "0"}')
    return str(path)


def test_missing_secret_key_is_one_line_from_manage_py():
    result = python("manage.py", "check", DEBUG="0")
    assert result.returncode == 1
    assert stderr_lines(result) == [MISSING_SECRET]


@pytest.mark.parametrize("module", ["newsroom.wsgi", "newsroom.asgi"])
def test_missing_secret_key_is_one_line_from_the_server_entry_points(module):
    """Exit 4 is gunicorn's "App failed to load": its master stops instead of restarting
    workers that die at import."""
    result = python("-c", f"import {module}", DEBUG="0")
    assert result.returncode == 4
    assert stderr_lines(result) == [MISSING_SECRET]


@pytest.mark.parametrize("module", ["newsroom.wsgi", "newsroom.asgi"])
def test_production_without_collectstatic_refuses_to_serve(module, empty_static_root):
    result = python(
        "-c",
        f"import {module}",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        STATIC_ROOT=empty_static_root,
    )
    assert result.returncode == 4
    assert stderr_lines(result) == [
        f"Tòa soạn cannot start: no static files manifest in {empty_static_root} (DEBUG is "
        "off): run `python manage.py collectstatic --noinput` first."
    ]


def test_runserver_without_collectstatic_refuses_to_start(empty_static_root):
    result = python(
        "manage.py",
        "runserver",
        "127.0.0.1:8109",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        STATIC_ROOT=empty_static_root,
    )
    assert result.returncode == 1
    assert len(stderr_lines(result)) == 1
    assert "collectstatic" in result.stderr


def test_with_the_manifest_the_application_loads(collected_static_root):
    code = "import newsroom.wsgi as w; print(type(w.application).__name__)"
    result = python(
        "-c", code, DEBUG="0", SECRET_KEY=PRODUCTION_KEY, STATIC_ROOT=collected_static_root
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"


def test_commands_that_do_not_serve_run_without_the_manifest(empty_static_root):
    """collectstatic (which makes the manifest), migrate and check need no manifest."""
    result = python(
        "manage.py", "check", DEBUG="0", SECRET_KEY=PRODUCTION_KEY, STATIC_ROOT=empty_static_root
    )
    assert result.returncode == 0, result.stderr


def test_bad_database_url_is_one_line_without_the_password():
    result = python("manage.py", "check", DATABASE_URL="postgress://toasoan:s3cr3t-pw@db/toasoan")
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("Tòa soạn cannot start: DATABASE_URL is not a usable database URL")
    assert "s3cr3t-pw" not in result.stderr


def test_gunicorn_stops_instead_of_restarting_workers(empty_static_root):
    """The real server: the master halts ("App failed to load.") within seconds."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn, "gunicorn is in requirements-dev.txt"
    result = run(
        [
            gunicorn,
            "newsroom.wsgi:application",
            "-b",
            "127.0.0.1:0",
            "-w",
            "1",
            "--no-control-socket",
        ],
        timeout=60,
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        STATIC_ROOT=empty_static_root,
    )
    assert result.returncode == 4
    assert "App failed to load." in result.stderr
    assert result.stderr.count("Tòa soạn cannot start: no static files manifest") == 1
