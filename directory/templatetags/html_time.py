"""``{{ value|html_datetime }}``: a date or datetime as HTML's ``<time datetime>`` accepts it.

Django's ``|date:"c"`` keeps microseconds (``…T00:02:57.914464+09:00``); HTML allows one to
three fractional digits, so the Nu HTML Checker rejects it. Every ``datetime`` attribute in the
templates goes through this filter (tests/test_html_validity.py checks that they do):
datetimes in local time to the second with their offset, dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value: date | datetime | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
