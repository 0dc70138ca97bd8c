"""CI's own rules: nothing skipped in the PostgreSQL pass, an empty run is a failure.

Each case runs pytest in a subprocess on a tiny test module in a temporary folder, with
only the CI guard plugin (tests/ci_guard.py) loaded, under the environment CI would set.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.ci_guard import strict_about_skips

ROOT = Path(settings.BASE_DIR)
POSTGRES = "postgres://postgres@127.0.0.1:5432/toasoan_ci"

SAMPLE = """
import pytest

def test_runs():
    assert True

def test_skips():
    pytest.skip("needs something that is not there")
"""
ALL_PASS = "def test_runs():\n    assert True\n"


def run_pytest(tmp_path, source, *args, **env):
    (tmp_path / "test_sample.py").write_text(source)
    environment = {k: v for k, v in os.environ.items() if k not in {"CI", "DATABASE_URL"}}
    environment.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:django",
         "-p", "tests.ci_guard", "-rs", *args, str(tmp_path)],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_skip_fails_the_postgresql_pass_in_ci(tmp_path):
    result = run_pytest(tmp_path, SAMPLE, CI="true", DATABASE_URL=POSTGRES)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "test_sample.py::test_skips: Skipped: needs something that is not there" in (
        result.stdout
    )
    assert "every test must run on PostgreSQL in CI" in result.stdout


def test_a_skip_at_collection_fails_it_too(tmp_path):
    source = "import pytest\npytest.skip('module needs X', allow_module_level=True)\n"
    result = run_pytest(tmp_path, source, CI="true", DATABASE_URL=POSTGRES)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout


def test_a_skip_in_a_fixture_fails_it_too(tmp_path):
    """As `postgres_only` or a missing service would skip: in the fixture's set-up."""
    source = (
        "import pytest\n\n@pytest.fixture\ndef service():\n    pytest.skip('no service')\n\n"
        "def test_uses(service):\n    pass\n"
    )
    result = run_pytest(tmp_path, source, CI="true", DATABASE_URL=POSTGRES)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "test_sample.py::test_uses: Skipped: no service" in result.stdout


@pytest.mark.parametrize(
    "env",
    [
        {"CI": "true"},  # the SQLite pass: postgres_only tests skip by design
        {"CI": "true", "DATABASE_URL": "sqlite:///ci.sqlite3"},
        {"DATABASE_URL": POSTGRES},  # a developer's PostgreSQL run
        {},
    ],
)
def test_skips_are_allowed_outside_the_postgresql_pass_of_ci(tmp_path, env):
    result = run_pytest(tmp_path, SAMPLE, **env)
    assert result.returncode == pytest.ExitCode.OK, result.stdout
    assert "1 passed, 1 skipped" in result.stdout


def test_a_clean_postgresql_pass_succeeds(tmp_path):
    result = run_pytest(tmp_path, ALL_PASS, CI="true", DATABASE_URL=POSTGRES)
    assert result.returncode == pytest.ExitCode.OK, result.stdout


def test_a_failure_stays_a_failure(tmp_path):
    source = "def test_fails():\n    assert False\n"
    result = run_pytest(tmp_path, source, CI="true", DATABASE_URL=POSTGRES)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout


@pytest.mark.parametrize("env", [{"CI": "true", "DATABASE_URL": POSTGRES}, {"CI": "true"}, {}])
def test_an_empty_run_exits_5_which_is_not_success(tmp_path, env):
    """No test selected (a marker nobody uses): pytest's exit status 5 is kept, so
    .ci/run, which stops at any non-zero status, fails."""
    result = run_pytest(tmp_path, ALL_PASS, "-m", "no_test_has_this_marker", **env)
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED != 0, result.stdout


@pytest.mark.parametrize(
    ("env", "strict"),
    [
        ({"CI": "true", "DATABASE_URL": "postgres://u@h/db"}, True),
        ({"CI": "1", "DATABASE_URL": "postgresql://u@h/db"}, True),
        ({"CI": "", "DATABASE_URL": "postgres://u@h/db"}, False),
        ({"CI": "true", "DATABASE_URL": "sqlite:///db.sqlite3"}, False),
        ({"CI": "true"}, False),
    ],
)
def test_strict_only_in_the_postgresql_pass_of_ci(env, strict):
    assert strict_about_skips(env) is strict


FAKE_MAKE = """#!/bin/sh
echo "make $* | DATABASE_URL=${DATABASE_URL:-} REDIS_URL=${REDIS_URL:-}" >> "$CALLS"
exit "$MAKE_STATUS"
"""


def run_suite(tmp_path, make_status, *arguments):
    """.ci/run's run_suite function (the script sourced, so only its functions are
    defined), with a fake `make` that records its call and exits with `make_status`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "make").write_text(FAKE_MAKE)
    (bin_dir / "make").chmod(0o755)
    calls = tmp_path / "calls.txt"
    calls.write_text("")
    command = 'source .ci/run; run_suite "$@"; echo "after run_suite"'
    result = subprocess.run(
        ["bash", "-c", command, "bash", *arguments],
        cwd=ROOT,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "CALLS": str(calls),
             "MAKE_STATUS": str(make_status)},
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    return result, calls.read_text().splitlines()


@pytest.mark.parametrize("status", [1, 2, 5])
def test_ci_stops_at_any_non_zero_status_exit_5_included(tmp_path, status):
    result, calls = run_suite(tmp_path, status, "PostgreSQL", "DATABASE_URL=postgres://x/y")
    assert result.returncode != 0
    assert "after run_suite" not in result.stdout
    assert "CI failed: PostgreSQL" in result.stderr
    assert calls == ["make test PYTEST_ARGS= | DATABASE_URL=postgres://x/y REDIS_URL="]


def test_ci_passes_variables_and_pytest_arguments_through(tmp_path):
    result, calls = run_suite(
        tmp_path, 0, "cache", "DATABASE_URL=postgres://x/y", "REDIS_URL=redis://r/0", "--",
        "-m", "cache",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "after run_suite" in result.stdout
    assert calls == [
        "make test PYTEST_ARGS=-m cache | DATABASE_URL=postgres://x/y REDIS_URL=redis://r/0"
    ]


def test_ci_runs_sqlite_postgresql_and_redis_passes_after_starting_redis():
    """The order of work in .ci/run's main: services (Redis included), lint, then the
    three passes."""
    script = (ROOT / ".ci" / "run").read_text()
    main = script[script.index("main() {") :]
    steps = [
        "command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)",
        "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379",
        "make lint",
        "make deploy-check",
        'run_suite "SQLite"',
        'run_suite "PostgreSQL" DATABASE_URL="$PG_URL"',
        'run_suite "cache tests on Redis" DATABASE_URL="$PG_URL" REDIS_URL="$REDIS_URL"'
        " -- -m cache",
    ]
    positions = [main.index(step) for step in steps]
    assert positions == sorted(positions)


def test_make_deploy_check_runs_djangos_deployment_checks_clean(tmp_path):
    """`make deploy-check` (run by CI after lint) passes with the production variables it
    sets: this interpreter stands in for the project's venv."""
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than requirements.txt: nothing to install
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "deploy-check", f"VENV={venv}", f"PY={sys.executable}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DEBUG=0" in result.stdout and "--deploy --fail-level WARNING" in result.stdout
    assert "System check identified no issues" in result.stdout


def test_make_audit_checks_the_pins_strictly():
    """`make audit` installs pip-audit on demand and fails on what it could not check."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "audit", "PY=/bin/true", "VENV=/venv"],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "/venv/bin/pip install --quiet pip-audit==2.10.1",
        "/venv/bin/pip-audit --strict --requirement requirements.txt",
    ]
