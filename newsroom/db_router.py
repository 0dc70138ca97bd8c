"""Read replicas: public reads may go to a replica, everything else to the primary.

With DATABASE_REPLICA_URLS set, settings add the aliases "replica_1", "replica_2" …
Reads of a public page go to one of them at random. The primary serves:

* every write, and every read after a write in the same request (read-your-writes);
* the admin and the newsroom's own views (`PRIMARY_PATH_PREFIXES`): editors must see
  what they just saved, and replicas lag;
* any request that follows a write from the same browser for a few seconds (a
  short-lived cookie set on the response to a write).

The pin lives in a context variable set per request by `PrimaryPinMiddleware`.
"""

import contextvars
import functools
import random

from django.conf import settings

_pinned = contextvars.ContextVar("database_pinned_to_primary", default=False)

PIN_COOKIE = "toasoan_primary"
PRIMARY_PATH_PREFIXES = ("/admin/", "/quan-tri/", "/xem-truoc/")


def replicas():
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class primary_only:
    """Within this block, reads use the primary (e.g. rebuilding a cached page just
    after a change: a lagging replica would have it cached with the old content)."""

    def __enter__(self):
        self._token = _pinned.set(True)

    def __exit__(self, *exc):
        _pinned.reset(self._token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        choices = replicas()
        if not choices or _pinned.get():
            return "default"
        return random.choice(choices)

    def db_for_write(self, model, **hints):
        _pinned.set(True)  # from now on this request reads what it wrote
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data everywhere

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # replicas follow the primary by replication


def no_pin_cookie(view):
    """For a POST whose writes no page reads back at once (the view-count beacon): the
    response must set no cookie, so no pin cookie either."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.no_pin_cookie = True
        return view(request, *args, **kwargs)

    return wrapped


class PrimaryPinMiddleware:
    """Decides, per request, whether reads may use a replica (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pinned.set(
            request.method not in ("GET", "HEAD")
            or request.path.startswith(PRIMARY_PATH_PREFIXES)
            or PIN_COOKIE in request.COOKIES
        )
        try:
            response = self.get_response(request)
            wrote = request.method not in ("GET", "HEAD")
        finally:
            _pinned.reset(token)
        if wrote and replicas() and not getattr(request, "no_pin_cookie", False):
            # The next pages this browser asks for read the primary until replicas
            # have caught up (lag is normally well under a second).
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                samesite="Lax", secure=not settings.DEBUG,
            )  # fmt: skip
        return response
