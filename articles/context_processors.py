from django.utils import timezone

from articles.models import Category, SiteSettings
from articles.text import header_datetime


def menu_sections(request):
    """The top-level sections of the menu, looked up once per request (the home page's
    blocks use the same list)."""
    if not hasattr(request, "_menu_sections"):
        request._menu_sections = Category.menu_sections()
    return request._menu_sections


def public_chrome(request):
    """What the public layout shows around every page: masthead, section menu and
    today's date line."""
    now = timezone.now()
    return {
        "site": SiteSettings.load(),
        "menu_categories": menu_sections(request),
        # The build time of a cached page: static/js/clock.js shows the time now.
        "header_now": header_datetime(now),
        "header_iso": now.isoformat(),
    }


def site_chrome(request):
    """The public layout's chrome on public pages. Admin pages do without it (their
    queries would be wasted); the admin's article preview asks `public_chrome` itself."""
    if request.path.startswith("/admin/"):
        return {}
    return public_chrome(request)
