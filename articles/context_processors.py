from django.utils import timezone

from articles.models import Category, SiteSettings
from articles.text import header_datetime


def site_chrome(request):
    """What the public layout needs on every page: masthead, menu and today's date."""
    if request.path.startswith("/admin/"):
        return {}
    menu = [c for c in Category.objects.filter(parent__isnull=True, show_in_menu=True)]
    now = timezone.now()
    return {
        "site": SiteSettings.load(),
        "menu_categories": menu,
        # The build time of a cached page: static/js/clock.js shows the time now.
        "header_now": header_datetime(now),
        "header_iso": now.isoformat(),
    }
