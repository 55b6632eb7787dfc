#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # Files we create (the SQLite database and its -wal/-shm, backups, cached reports, logs) hold
    # password hashes, session keys and assessments: readable by the owner only.
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sodpa_portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
