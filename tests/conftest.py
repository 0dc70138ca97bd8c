import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import override_settings

IN_CI = bool(os.environ.get("CI"))

# Browser fixtures (page, browser, reporter …) for every browser test module; the CI
# guard that fails the PostgreSQL pass when anything is skipped.
pytest_plugins = ["tests.browser", "tests.ci_guard"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads go to a throwaway folder, never media/; fast password hashing; the page
    cache off (tests/test_page_cache.py turns it on) with its state in the temp folder;
    no idle logout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PAGE_CACHE_SECONDS = 0
    # Tests travel in time (2020, next week …) with one login; the idle logout has its
    # own tests (tests/test_login_throttle.py), which set this back.
    settings.SESSION_IDLE_SECONDS = 10 * 365 * 24 * 3600
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


# -- the cache: local memory in development, Redis (REDIS_URL) in production --

REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _redis_unreachable(url):
    """None if Redis answers at `url`, else why not."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"{type(error).__name__}: {error}"
    return None


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request):
    """Runs a cache-dependent test once on each backend the site may use: Django's local
    memory cache and its Redis cache (REDIS_URL, else 127.0.0.1:6379). Redis is required
    in CI; elsewhere the Redis run is skipped, saying why, when no server answers.

    Each test gets its own key prefix, and `cache.clear()` deletes only that prefix (the
    stock clear() is FLUSHDB, which would wipe a Redis shared with other test runs).
    Tests using this fixture carry the `cache` marker (.ci/run runs them with REDIS_URL).
    """
    prefix = f"toasoan-test-{uuid.uuid4().hex}"
    if request.param == "locmem":
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    else:
        problem = _redis_unreachable(REDIS_TEST_URL)
        if problem:
            message = f"Redis not reachable at {REDIS_TEST_URL} ({problem})"
            if IN_CI:
                pytest.fail(f"{message}: Redis is required in CI (.ci/run starts it)")
            pytest.skip(f"{message}: start redis-server or set REDIS_URL")
        config = {
            "BACKEND": "tests.conftest.PrefixClearingRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    with override_settings(CACHES={"default": config}):
        from django.core.cache import cache

        yield request.param
        cache.clear()


class PrefixClearingRedisCache(RedisCache):
    """Django's RedisCache whose clear() deletes only this cache's keys."""

    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=500))
        if keys:
            client.delete(*keys)
        return True


def pytest_collection_modifyitems(items):
    for item in items:
        if "cache_backend" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.cache)
