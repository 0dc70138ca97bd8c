import os
import shutil

import pytest
from django.db import connection

IN_CI = bool(os.environ.get("CI"))

# Browser fixtures (page, browser, reporter …) for every browser test module.
pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads go to a throwaway folder, never media/; fast password hashing; the page
    cache off (tests/test_page_cache.py turns it on) with its state in the temp folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PAGE_CACHE_SECONDS = 0
    if settings.PAGE_CACHE_STATE_FILE:
        settings.PAGE_CACHE_STATE_FILE = tmp_path / "page-cache-state"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def postgres_only(db):
    """For PostgreSQL-only behaviour: skipped on the SQLite run.

    CI runs the whole suite a second time with DATABASE_URL pointing at PostgreSQL;
    that run fails outright if PostgreSQL cannot be reached, so nothing is skipped
    silently there (see .ci/run and test_ci_runs_postgres_when_asked).
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")


def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if IN_CI:
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")
    return path
