from django.utils import timezone

from articles.models import Category, SiteSettings
from articles.text import header_datetime


def public_chrome():
    """What the public layout shows around every page: masthead, section menu and
    today's date line."""
    menu = [c for c in Category.objects.filter(parent__isnull=True, show_in_menu=True)]
    return {
        "site": SiteSettings.load(),
        "menu_categories": menu,
        "header_now": header_datetime(timezone.now()),
    }


def site_chrome(request):
    """The public layout's chrome on public pages. Admin pages do without it (their
    queries would be wasted); the admin's article preview asks `public_chrome` itself."""
    if request.path.startswith("/admin/"):
        return {}
    return public_chrome()
