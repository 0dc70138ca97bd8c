"""The production settings (DEBUG off) for app servers started by tests, with the two
differences a test machine needs: static files straight from the source folders (no
collectstatic run) and plain HTTP (cookies not marked Secure)."""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_USE_FINDERS = True  # static files found where they are, as runserver does
