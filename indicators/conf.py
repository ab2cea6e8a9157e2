"""Tunables of the indicators app, read from Django settings each time they are used (so
``override_settings`` and per-test settings take effect), with these defaults.

Use them as ``conf.PLAN_FIRST_FISCAL_YEAR`` after ``from . import conf``: a name imported
with ``from .conf import …`` would be read once, at import.
"""

from __future__ import annotations

from typing import Any

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

# The licence of the open data (setting ``INDICATORS_OPEN_DATA_LICENSE``): ``name`` is the
# SPDX identifier, ``title`` what people read, ``path`` the licence's URL — the keys of a
# Data Package licence. The city may choose another (e.g. CC0-1.0, or a 政府標準利用規約).
DEFAULT_LICENSE: dict[str, str] = {
    "name": "CC-BY-4.0",
    "title": "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.ja",
}


def __getattr__(name: str) -> Any:
    if name == "OPEN_DATA_LICENSE":
        # Given whole (name, title and path): a merge could pair one licence's title with
        # another's URL.
        return dict(getattr(settings, "INDICATORS_OPEN_DATA_LICENSE", None) or DEFAULT_LICENSE)
    if name not in DEFAULTS:
        raise AttributeError(name)
    return int(getattr(settings, f"INDICATORS_{name}", DEFAULTS[name]))
