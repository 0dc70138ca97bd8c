"""CI must not pass with tests silently skipped in the PostgreSQL pass.

On SQLite some tests skip by design (`postgres_only`); the PostgreSQL pass in CI is where
everything must run, so there a skipped test fails the run, with the list of what was
skipped. Active when CI is set and DATABASE_URL names PostgreSQL. (A run that collects no
test at all exits 5, which `.ci/run` treats as a failure like any non-zero status.)

Loaded by tests/conftest.py; a plain pytest plugin, so it can be tested on its own.
"""

import os

import pytest

_skipped = []


def strict_about_skips(environ=os.environ):
    url = environ.get("DATABASE_URL", "")
    return bool(environ.get("CI")) and url.startswith(("postgres://", "postgresql://"))


def _record(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionstart(session):
    _skipped.clear()


def pytest_collectreport(report):
    _record(report)


def pytest_runtest_logreport(report):
    _record(report)


def pytest_terminal_summary(terminalreporter):
    if strict_about_skips() and _skipped:
        terminalreporter.section("skipped in the PostgreSQL pass of CI", red=True, bold=True)
        for line in _skipped:
            terminalreporter.line(line, red=True)
        terminalreporter.line(
            f"{len(_skipped)} test(s) skipped: every test must run on PostgreSQL in CI.",
            red=True,
            bold=True,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    passed = {pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED}  # all skipped: 5
    if strict_about_skips() and _skipped and exitstatus in passed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
