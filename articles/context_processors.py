from django.utils import timezone

from articles.models import Category, SiteSettings
from articles.text import header_datetime


def menu_sections(request):
    """The top-level sections of the menu, queried once per request (the home page's
    blocks use the same list)."""
    if not hasattr(request, "_menu_sections"):
        request._menu_sections = list(
            Category.objects.filter(parent__isnull=True, show_in_menu=True)
        )
    return request._menu_sections


def site_chrome(request):
    """What the public layout needs on every page: masthead, menu and today's date."""
    if request.path.startswith("/admin/"):
        return {}
    menu = menu_sections(request)
    now = timezone.now()
    return {
        "site": SiteSettings.load(),
        "menu_categories": menu,
        # The build time of a cached page: static/js/clock.js shows the time now.
        "header_now": header_datetime(now),
        "header_iso": now.isoformat(),
    }
