import os

from newsroom import startup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# One line and a stop on a configuration mistake (no secret, no collectstatic).
application = startup.wsgi_application()
