"""Tunables of the indicators app, read from Django settings each time they are used (so
``override_settings`` and per-test settings take effect), with these defaults.

Use them as ``conf.PLAN_FIRST_FISCAL_YEAR`` after ``from . import conf``: a name imported
with ``from .conf import …`` would be read once, at import.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, int] = {
    # The plan's fiscal years (Japanese 年度, April–March).
    "PLAN_FIRST_FISCAL_YEAR": 2022,
    "PLAN_LAST_FISCAL_YEAR": 2031,
    # District survey cells with fewer respondents than this are not shown (privacy, noise).
    "MIN_DISTRICT_SAMPLE": 30,
    # Largest CSV the import accepts.
    "MAX_IMPORT_BYTES": 1_000_000,
}


def __getattr__(name: str) -> int:
    if name not in DEFAULTS:
        raise AttributeError(name)
    return int(getattr(settings, f"INDICATORS_{name}", DEFAULTS[name]))
