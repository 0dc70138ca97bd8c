"""Request bodies bounded before anyone reads them.

Django reads a form body whole when a view first touches request.POST (CSRF does, for
every POST), spooling files to disk: without a bound, one anonymous 200 MB POST costs a
worker and the disk as much. Readers only ever send tiny bodies (the view beacon, the
login form); staff send photos. So the announced Content-Length is checked here, after
the session tells who is asking and before any middleware or view reads the body:

- anonymous: at most settings.REQUEST_MAX_BYTES_PUBLIC;
- logged-in staff: at most settings.REQUEST_MAX_BYTES (a photo of PHOTO_MAX_BYTES and
  its form).

Anything bigger is answered 413 at once. nginx caps bodies too (client_max_body_size,
deploy/nginx/toasoan.conf) and passes the length on. A body without Content-Length is
never read by Django (its stream is limited to the announced length).
"""

from django.conf import settings
from django.http import HttpResponse


def body_limit(request):
    user = getattr(request, "user", None)
    if settings.SESSION_COOKIE_NAME in request.COOKIES and user and user.is_staff:
        return settings.REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES_PUBLIC


class RequestSizeLimitMiddleware:
    """Placed after AuthenticationMiddleware (it needs the user) and before anything
    that reads request.POST or request.body (CSRF reads it in process_view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Độ dài nội dung không hợp lệ.", status=400,
                                content_type="text/plain; charset=utf-8")  # fmt: skip
        # The user (and so the session) is looked at only for a body too big for anyone
        # anonymous: a reader's page must not vary on the session cookie.
        if length > settings.REQUEST_MAX_BYTES_PUBLIC and length > body_limit(request):
            return HttpResponse(
                "Nội dung gửi lên quá lớn.", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
