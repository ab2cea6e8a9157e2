"""Indicators an app can compute from its own data.

Each app registers its computed indicators in ``<app>/kpis.py`` (found by ``autodiscover``),
so this app imports none of them. A compute function takes a fiscal year and an optional
district and returns a number computed by database aggregation, or ``None`` when it has no
meaning for that district.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.module_loading import autodiscover_modules

from .codes import kind_of

Number = int | float | Decimal


@dataclass(frozen=True)
class ComputedIndicator:
    code: str
    name_ja: str
    name_en: str
    unit: str  # "%", "persons", "cases", "days"
    compute: Callable[[int, Any], Number | None]  # (fiscal_year, district or None)
    # The list behind the number, for a viewer: a URL name, or "" when there is none.
    list_url_name: str = ""
    description: str = ""
    direction: str = "up"  # "down" where fewer is better (days to a response)


_REGISTRY: dict[str, ComputedIndicator] = {}


def register(indicator: ComputedIndicator) -> ComputedIndicator:
    """Codes follow the one convention (``indicators.codes``): a plan code, or ``OP-…``."""
    if kind_of(indicator.code) is None:
        raise ValueError(
            f"indicator code {indicator.code!r} is neither a plan code nor OP-AREA-MEASURE"
        )
    if indicator.code in _REGISTRY and _REGISTRY[indicator.code] != indicator:
        raise ValueError(f"indicator {indicator.code} is registered twice")
    _REGISTRY[indicator.code] = indicator
    return indicator


def registered() -> dict[str, ComputedIndicator]:
    autodiscover()
    return dict(_REGISTRY)


_discovered = False


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("kpis")
        _discovered = True


def unregister(code: str) -> None:
    """Remove a computation (tests register fake apps' indicators and clean up after)."""
    _REGISTRY.pop(code, None)
