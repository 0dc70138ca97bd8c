import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

IN_CI = bool(os.environ.get("CI"))

# Browser fixtures (page, browser, reporter …) for every browser test module.
pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads go to a throwaway folder, never media/; fast password hashing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


SAMPLE_ARTICLE = "000_c36ee073a1ea6b8a.txt"


@pytest.fixture
def sample_path():
    """The sample article the import format was written for, in `shared/seeds/` next to
    the checkout (or next to any folder above it, so git worktrees find it too)."""
    base = Path(settings.BASE_DIR)
    for folder in (base, *base.parents):
        path = folder / "shared" / "seeds" / SAMPLE_ARTICLE
        if path.is_file():
            return path
    if IN_CI:
        pytest.fail(f"the sample article shared/seeds/{SAMPLE_ARTICLE} is required in CI")
    pytest.skip(f"sample article shared/seeds/{SAMPLE_ARTICLE} not found above {base}")


def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if IN_CI:
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")
    return path
