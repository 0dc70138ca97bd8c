"""Redis goes away, for real: a redis-server of the test's own is killed (connections
refused) or frozen with SIGSTOP (connections hang) under the cache backend and under a
running gunicorn. The site keeps answering, uncached; the cache works again when Redis
returns, and no request waits on Redis more than once per REDIS_RETRY_SECONDS."""

import time
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from articles import pagecache
from newsroom.cache import ResilientRedisCache, cache_recovered
from tests.processes import AppServer, Browser, RedisProcess, app_environment, manage, seed_site

# The recovery bump looks up the next scheduled publication.
pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server():
    server = RedisProcess()
    yield server
    server.destroy()


@pytest.fixture
def resilient_cache(redis_server, settings):
    settings.REDIS_RETRY_SECONDS = 0.5
    config = {
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": redis_server.url,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
    }
    with override_settings(CACHES={"default": config}):
        yield caches["default"]


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_killed_redis_is_a_miss_not_an_error(resilient_cache, redis_server, monkeypatch):
    cache = resilient_cache
    assert isinstance(cache, ResilientRedisCache)
    cache.set("titre", "Giá xăng")
    assert cache.get("titre") == "Giá xăng"

    redis_server.kill()
    assert cache.get("titre", "không có") == "không có"
    assert cache.is_available is False
    # While it is marked down nothing even tries Redis.
    tried = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCacheClient.get",
        lambda *args: tried.append(args) or None,
    )
    assert cache.get("titre") is None and tried == []
    monkeypatch.undo()
    cache.set("titre", "mới")  # nothing raised
    assert cache.add("khoa", 1, 5) is True  # a lock is "taken": the caller does the work
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("titre") is False
    with pytest.raises(ValueError):
        cache.incr("dem")

    recovered = []
    cache_recovered.connect(lambda **kwargs: recovered.append(1), weak=False, dispatch_uid="t")
    try:
        redis_server.start()
        time.sleep(0.6)  # REDIS_RETRY_SECONDS
        cache.set("titre", "trở lại")
        assert cache.get("titre") == "trở lại"
        assert recovered == [1]
    finally:
        cache_recovered.disconnect(dispatch_uid="t")


def test_a_frozen_redis_costs_one_timeout_per_retry_period(resilient_cache, redis_server):
    cache = resilient_cache
    cache.set("titre", "Giá xăng")
    redis_server.freeze()
    try:
        value, first = _timed(lambda: cache.get("titre"))
        assert value is None and first < 2
        _value, later = _timed(lambda: [cache.get("titre") for _ in range(50)])
        assert later < 0.1  # no timeout paid again within REDIS_RETRY_SECONDS
    finally:
        redis_server.thaw()
    time.sleep(0.6)
    assert cache.get("titre") == "Giá xăng"  # kept while frozen


def test_the_page_cache_generation_moves_when_redis_returns(resilient_cache, redis_server):
    """A change made while Redis was frozen could not bump the generation Redis holds;
    pages cached before it must not come back as current with Redis."""
    before = pagecache.current_state()
    redis_server.freeze()
    try:
        resilient_cache.get("x")  # the outage is noticed
    finally:
        redis_server.thaw()
    time.sleep(0.6)
    resilient_cache.get("x")  # Redis answers: recovery bumps
    after = pagecache.current_state()
    assert after.generation > before.generation
    assert after.floor == after.generation


@pytest.fixture
def site_with_redis(redis_server, tmp_path):
    env = app_environment(
        f"sqlite:///{tmp_path / 'site.sqlite3'}",
        REDIS_URL=redis_server.url,
        REDIS_RETRY_SECONDS=1,
        PAGE_CACHE_SECONDS=60,
    )
    manage(env, "migrate", "--noinput")
    article_id = seed_site(env)
    server = AppServer(env)
    yield server, article_id
    server.stop()


@pytest.mark.parametrize("fault", ["kill", "freeze"])
def test_the_site_works_uncached_while_redis_is_down(site_with_redis, redis_server, fault):
    server, article_id = site_with_redis
    reader = Browser(server.base)
    editor = Browser(server.base)
    editor.login("tongbientap")
    reader.get("/")
    assert reader.get("/").headers["X-Page-Cache"] == "HIT"

    getattr(redis_server, fault)()
    try:
        for path in ("/", "/thoi-su/", "/kinh-te/", "/tim-kiem/?q=xang", "/rss/tin-moi-nhat.rss"):
            response = reader.get(path)
            assert response.status == 200, (path, response.text[:300])
        assert reader.get("/").headers["X-Page-Cache"] == "MISS"  # uncached, not broken
        beacon = reader.request(
            f"/api/luot-xem/{article_id}/", {}, headers={"User-Agent": "Mozilla/5.0 Firefox"}
        )
        assert beacon.status < 500
        change = f"/admin/articles/article/{article_id}/change/"
        saved = editor.submit(change, "article_form", title="Sửa khi Redis ngừng", _continue="1")
        assert saved.status == 200 and "Sửa khi Redis ngừng" in saved.text
        assert "Sửa khi Redis ngừng" in reader.get("/").text
        assert "Traceback" not in server.output()
    finally:
        if fault == "freeze":
            redis_server.thaw()
        else:
            redis_server.start()

    time.sleep(1.2)  # REDIS_RETRY_SECONDS
    reader.get("/")
    reader.get("/")
    response = reader.get("/")
    assert response.headers["X-Page-Cache"] == "HIT"
    assert "Sửa khi Redis ngừng" in response.text
