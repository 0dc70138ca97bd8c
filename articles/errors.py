"""Vietnamese error pages. The 500 page renders without the database or context processors."""

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render())
