"""Request guards that apply to every page."""

from django.http import HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """A query string with a NUL byte is never meaningful, and PostgreSQL cannot even
    compare text with one (psycopg2 raises): answer 400 before any view runs.
    Form posts are covered by Django's form fields, which refuse NUL characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Yêu cầu không hợp lệ.".encode(), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
