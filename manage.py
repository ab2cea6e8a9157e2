#!/usr/bin/env python
"""Django's command-line utility, with a one-line message for an unreachable database."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machida_portal.settings.base")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as exc:
        # A wrong host or a stopped server should read as one sentence, not a traceback wall.
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        sys.stderr.write(f"error: the database in DATABASE_URL cannot be reached: {first_line}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
