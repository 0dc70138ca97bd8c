"""The Redis cache, made optional at run time: when Redis is down the site runs
uncached — slower, never broken.

Django's RedisCache raises redis.ConnectionError (or TimeoutError) from every call
when the server is gone; every caller (the page cache, view counters, list counts,
locks, the masthead) would have to catch it. Instead this backend answers like
Django's DummyCache while Redis is unreachable — `get` misses, `set` and `delete` do
nothing, `add` succeeds (a lock is "taken", so each request simply does the work
itself), `incr` raises ValueError as for a missing key — and, after a failure, does
not try again for REDIS_RETRY_SECONDS, so requests do not each pay a connection
attempt or timeout. The timeouts themselves are short (REDIS_TIMEOUT_SECONDS).

When Redis answers again `cache_recovered` is sent: what was written while it was down
(the page cache's generation, for instance) never reached it, so listeners drop what
may be out of date (articles/apps.py bumps the page cache's generation).
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal

logger = logging.getLogger(__name__)

cache_recovered = Signal()

# Shared by the threads of a process (Django keeps one backend instance per thread).
_down_until = {}
_lock = threading.Lock()


def _outage_errors():
    import redis

    return (redis.ConnectionError, redis.TimeoutError)


class ResilientRedisCache(RedisCache):
    def _is_down(self):
        return _down_until.get(self._servers[0], 0) > time.monotonic()

    def _call(self, fallback, method, *args, **kwargs):
        server = self._servers[0]
        if self._is_down():
            return fallback()
        try:
            result = method(*args, **kwargs)
        except _outage_errors() as error:
            with _lock:
                was_up = server not in _down_until
                _down_until[server] = time.monotonic() + settings.REDIS_RETRY_SECONDS
            if was_up:
                logger.error("Redis unreachable, running uncached: %s", error)
            return fallback()
        if server in _down_until:
            with _lock:
                recovered = _down_until.pop(server, None) is not None
            if recovered:
                logger.warning("Redis reachable again")
                cache_recovered.send(sender=type(self))
        return result

    @property
    def is_available(self):
        return not self._is_down()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(lambda: default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(lambda: False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call(dict, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(lambda: False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (cache unavailable).")

        return self._call(missing, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list, super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(lambda: None, super().delete_many, keys, version)

    def clear(self):
        return self._call(lambda: False, super().clear)
