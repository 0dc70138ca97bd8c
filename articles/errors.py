"""Vietnamese error pages. The 500 and 503 pages render without the database or context
processors."""

import sys

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from newsroom.outage import is_database_down, unavailable_response


@requires_csrf_token
def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


@requires_csrf_token
def server_error(request):
    # Django calls the handler inside its `except` block: the error is at hand. A
    # database outage raised outside a view (e.g. saving the session) is a 503 too.
    if is_database_down(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponseServerError(loader.get_template("500.html").render())
