"""Login throttling (django-axes) and staff sessions that end when idle.

- After settings.LOGIN_FAILURE_LIMIT failed logins for one user name, or from one
  address, further logins for that name or from that address are refused for
  settings.LOGIN_LOCKOUT_MINUTES (a failure meanwhile starts the wait again). Unknown
  and real user names are counted and answered alike, so the lockout tells nothing about
  which accounts exist. Counters live in the cache (Redis in production: shared by every
  app server, no database write per attempt).
- A logged-in session unused for settings.SESSION_IDLE_SECONDS is logged out on its next
  request (checked on the server; the browser's clock and cookie age do not matter).
  Anonymous readers have no session and get none.
"""

import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from newsroom import outage


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses any login for a locked-out user name or address (first in
    AUTHENTICATION_BACKENDS; the next backends authenticate). Logins without a request
    (the shell, management commands, the test client's login()) come from no address
    and are not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message():
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return _(
        "Đăng nhập sai quá nhiều lần, nên tạm thời bị khóa. Hãy thử lại sau %(minutes)d phút."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The admin's own login page with the lockout message instead of the form's error
    (429). The same page for every user name, real or not."""
    context = getattr(original_response, "context_data", None)
    if isinstance(original_response, TemplateResponse) and context and "form" in context:
        form = context["form"]
        form._errors.clear()
        form.add_error(None, lockout_message())
        response = TemplateResponse(request, original_response.template_name, context, status=429)
        return response.render()  # the middleware runs after the view's response was rendered
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")


SESSION_SEEN_KEY = "_last_seen"
SEEN_GRANULARITY = 60  # seconds: the session is written at most once a minute for this
# Requests an open article form sends by itself on a timer (the presence heartbeat,
# static/articles/article-form.js); autosave posts only changed text, so it counts.
BACKGROUND_PATHS = ("/presence/",)


def session_started(sender, request, user, **kwargs):
    """user_logged_in: a new session counts as active from its login."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_SEEN_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Logs out a session idle for longer than settings.SESSION_IDLE_SECONDS. Placed
    after AuthenticationMiddleware. Only the staff's own areas (settings.
    STAFF_PATH_PREFIXES) read the session: public pages stay the same for everyone (no
    Vary: Cookie), and a staff member's next admin request is where the check matters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._check(request)
        except outage.DATABASE_DOWN as error:
            # Reading the session needs the database: while it is down, the maintenance
            # page (one log line, as for a view's error) rather than a logged traceback.
            return outage.unavailable_after(request, error)
        return self.get_response(request)

    def _check(self, request):
        if (
            request.path_info.startswith(tuple(settings.STAFF_PATH_PREFIXES))
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
        ):
            now = int(time.time())
            seen = request.session.get(SESSION_SEEN_KEY)
            if isinstance(seen, int) and now - seen > settings.SESSION_IDLE_SECONDS:
                logout(request)  # a new, empty session; the page asks to log in again
                messages.info(
                    request,
                    _("Phiên làm việc đã hết hạn vì lâu không thao tác. Hãy đăng nhập lại."),
                    fail_silently=True,
                )
            elif request.path_info.endswith(BACKGROUND_PATHS):
                pass  # an open tab's timer, not a person: not activity
            elif not isinstance(seen, int) or now - seen >= SEEN_GRANULARITY:
                request.session[SESSION_SEEN_KEY] = now
