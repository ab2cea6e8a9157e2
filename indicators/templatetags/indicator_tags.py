from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

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
    # Counted units agree with the number in English ("1 case", "2 cases").
    count = int(number) if places == 0 else 2
    if unit == Unit.PERSONS:
        return ngettext("%(n)s人", "%(n)s人", count) % {"n": text}
    if unit == Unit.CASES:
        return ngettext("%(n)s件", "%(n)s件", count) % {"n": text}
    if unit == Unit.DAYS:
        return ngettext("%(n)s日", "%(n)s日", count) % {"n": text}
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
