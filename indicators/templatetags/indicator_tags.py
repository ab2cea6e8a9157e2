from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

from indicators.models import Unit

register = template.Library()


@register.filter
def with_unit(value: Decimal | int | float | None, unit: str) -> str:
    """52.30 + "%" → "52.3%"; 1234 + "persons" → "1,234人"."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    places = 0 if number == number.to_integral() else 1
    text = number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    label = Unit(unit).label if unit in Unit.values else unit
    return f"{text}{label}"


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    places = 0 if number == number.to_integral() else 1
    text = number_format(abs(number), decimal_pos=places, use_l10n=True, force_grouping=True)
    return ("+" if number >= 0 else "−") + text


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
