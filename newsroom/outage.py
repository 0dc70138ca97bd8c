"""The database is down or restarting: a clear Vietnamese page, never a stack trace.

Anonymous readers of cached pages are served the last copy by the page cache
(articles/pagecache.py, stale-if-error) before any of this runs; everything else that
needs the database — an uncached page, the admin, an autosave — gets a 503 with
`Retry-After`, rendered from templates/503.html without the database (no context
processors, no session, no user).

Two ways in: `DatabaseOutageMiddleware.process_exception` for errors raised by a view
(it works with DEBUG on too), and `articles.errors.server_error` (handler500) for errors
raised by middleware, such as saving the session.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# What a lost, refused or restarting database connection raises (psycopg2's errors are
# wrapped into these by Django; InterfaceError is not a DatabaseError subclass).
DATABASE_DOWN = (OperationalError, InterfaceError)


def is_database_down(error):
    return isinstance(error, DATABASE_DOWN)


def _is_staff_path(request):
    return request is not None and request.path.startswith(("/admin/", "/quan-tri/"))


def unavailable_response(request=None):
    """503, Retry-After, never cached. On newsroom pages it also tells staff that their
    unsaved text is kept in the browser (the article form's autosave reads the 503)."""
    html = loader.get_template("503.html").render({"staff": _is_staff_path(request)})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_after(request, error):
    """The 503 page for a request that met the outage, logged as one line (no traceback:
    the cause is known, and a log full of them hides the rest)."""
    logger.error("database unavailable: %s %s: %s", request.method, request.path, error)
    return unavailable_response(request)


class DatabaseOutageMiddleware:
    """Turns a database outage raised by a view (or its template) into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_down(exception):
            return None
        return unavailable_after(request, exception)
