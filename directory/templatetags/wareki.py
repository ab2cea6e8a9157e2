"""``{{ person.birth_date|birth_date }}``: 「昭和16年3月5日（85歳）」 in Japanese, 「March 5, 1941
(Shōwa 16) (age 85)」 in English (``machida_portal.wareki.birth_date_label``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from machida_portal.wareki import birth_date_label

register = template.Library()


@register.filter(name="birth_date")
def birth_date_filter(value: Any) -> str:
    if not isinstance(value, date):
        return ""
    return birth_date_label(value)
