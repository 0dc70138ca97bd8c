#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from newsroom import startup

    # Django's command line; a configuration mistake is one line, not a traceback.
    startup.manage(sys.argv)


if __name__ == "__main__":
    main()
