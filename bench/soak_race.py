"""Two people acting on the same object at the same moment, against the soak database.

    python -m bench.soak_race <key>

Prints "ok <what>" / "FAIL <what>" lines, or "NOT BUILT" when the feature is missing.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machida_portal.settings.base")

RACES: dict[str, str] = {}


def main() -> None:
    import django

    django.setup()
    key = sys.argv[1]
    if key not in RACES:
        print("NOT BUILT")
        return


if __name__ == "__main__":
    main()
