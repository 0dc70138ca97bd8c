"""Start-up guards for the entry points (manage.py, wsgi.py, asgi.py).

A configuration mistake must stop the process with one line saying what to do, not a
50-line traceback, and never let a server start that would answer every page with a 500:

- settings read from the environment raise `ConfigurationError` (newsroom.env), printed
  here as one line on stderr;
- with DEBUG off the static files are served from collectstatic's manifest; without it
  every page using `{% static %}` fails ("Missing staticfiles manifest entry"), so a
  serving process (wsgi, asgi, runserver) refuses to start. Commands that do not serve
  (collectstatic itself, migrate, check --deploy) run without it.
"""

import sys
from contextlib import contextmanager

from newsroom.env import ConfigurationError

# gunicorn's APP_LOAD_ERROR: its master stops ("App failed to load.") instead of
# restarting workers that die at import, forever.
SERVER_EXIT_CODE = 4
COMMAND_EXIT_CODE = 1


@contextmanager
def one_line_errors(exit_code=COMMAND_EXIT_CODE):
    """Turn a ConfigurationError into one line on stderr and an exit with `exit_code`."""
    try:
        yield
    except ConfigurationError as error:
        sys.stderr.write(f"Tòa soạn cannot start: {error}\n")
        sys.stderr.flush()
        raise SystemExit(exit_code) from None


def check_static_manifest():
    """With a manifest static storage (DEBUG off), collectstatic's manifest must exist."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and storage.read_manifest() is None:
        raise ConfigurationError(
            f"no static files manifest in {settings.STATIC_ROOT} (DEBUG is off): "
            "run `python manage.py collectstatic --noinput` first."
        )


def check_serving():
    """Everything a process that answers requests needs, after django.setup()."""
    check_static_manifest()


def wsgi_application():
    """Django's get_wsgi_application(), checked before the middleware is built."""
    import django
    from django.core.handlers.wsgi import WSGIHandler

    with one_line_errors(SERVER_EXIT_CODE):
        django.setup(set_prefix=False)
        check_serving()
        return WSGIHandler()


def asgi_application():
    """Django's get_asgi_application(), checked before the middleware is built."""
    import django
    from django.core.handlers.asgi import ASGIHandler

    with one_line_errors(SERVER_EXIT_CODE):
        django.setup(set_prefix=False)
        check_serving()
        return ASGIHandler()


def manage(argv):
    """manage.py: Django's command line, with one-line configuration errors; runserver
    is a serving process and is checked like wsgi."""
    from django.core.management import execute_from_command_line

    with one_line_errors():
        if argv[1:2] == ["runserver"]:
            import django

            django.setup()
            check_serving()
        execute_from_command_line(argv)
