"""Structured logs: one JSON object per line, each with the request's id, and never a
secret or an article's text in them.

- `RequestContextMiddleware` gives every request an id — the client's (or the proxy's)
  `X-Request-ID` if it is well formed, a new one otherwise — echoes it in the
  response, and keeps it and the client's address for the duration of the request
  (`current_request_id()`, `current_ip()`: the audit trail records the address).
- `RequestIdFilter` stamps each log record with that id.
- `RedactFilter` removes what must never be logged: passwords, session ids, CSRF
  tokens, preview-link tokens (`/xem-truoc/<token>/` paths), article bodies — and
  drops SQL statement logs outright (their parameters carry bodies and session keys).
- `JsonFormatter` writes the record as one line of JSON.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished

from newsroom.http import client_ip

_request_id = contextvars.ContextVar("request_id", default=None)
_ip = contextvars.ContextVar("client_ip", default=None)

# Letters, digits and a few separators, as proxies and load balancers generate them
# (uuid, hex, base64url); anything else (or longer) is replaced by our own id.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")


def current_request_id():
    return _request_id.get()


def current_ip():
    return _ip.get()


class RequestContextMiddleware:
    """First in MIDDLEWARE: everything logged while handling the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if WELL_FORMED_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (`request_finished`), not only while the
        # middleware runs: Django logs "Not Found: …" after the middleware returns,
        # and the server's access line comes after that.
        _request_id.set(request_id)
        _ip.set(client_ip(request) or None)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget(**kwargs):
    """The response is closed: nothing logged or recorded later belongs to it."""
    _request_id.set(None)
    _ip.set(None)


request_finished.connect(_forget, dispatch_uid="newsroom.requestlog.forget")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


REDACTED = "[đã ẩn]"

# name=value pairs (query strings, form bodies, cookies, repr of dicts) whose value
# must never be logged.
_SECRET_NAMES = (
    r"password\d?|new_password\d|old_password|passwd|sessionid|session_key|csrftoken|"
    r"csrfmiddlewaretoken|x-csrftoken|csrf_token|token|secret|secret_key|api_key|"
    r"authorization|body|content|sapo"
)
_PAIR = re.compile(
    rf"""(?P<key>["']?\b(?:{_SECRET_NAMES})\b["']?\s*[:=]\s*)(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s&;,}}]+)""",
    re.IGNORECASE,
)
_PREVIEW = re.compile(r"(/xem-truoc/)[^/\s\"'?]+")
_SESSION_COOKIE = re.compile(r"(sessionid|csrftoken)=[^;\s]+", re.IGNORECASE)


def redact(text):
    text = _PREVIEW.sub(rf"\1{REDACTED}", text)
    text = _SESSION_COOKIE.sub(rf"\1={REDACTED}", text)
    return _PAIR.sub(lambda m: m.group("key") + REDACTED, text)


class RedactFilter(logging.Filter):
    """Rewrites the record's message (arguments merged in) and its traceback text."""

    DROPPED = ("django.db.backends",)

    def filter(self, record):
        if record.name.startswith(self.DROPPED):
            return False
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log it as it is
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None  # formatted (and redacted) once, here
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
