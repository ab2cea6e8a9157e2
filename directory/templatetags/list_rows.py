"""Cheap building blocks for the rows of long work lists (decision 0026).

A staff list renders 25 rows, each with a link, a date or two and some labels; Django's
general tools cost tens of microseconds each, and on the work pages they added up to a third
of the page. These do the same for the cases the lists need:

- ``{% pk_url "consultations:sheet_detail" s.pk %}`` — ``{% url %}`` for a view whose one
  argument is an integer ``pk``: the URL is reversed once per process (and script prefix) and
  the row's number put in its place, instead of running the resolver for every row.
- ``{{ value|ymd }}`` and ``{{ value|ymd_hm }}`` — ``|date:"Y-m-d"`` and
  ``|date:"Y-m-d H:i"`` (in the current time zone, as ``|date`` does), by ``strftime``
  instead of Django's general date formatter. Empty for ``None``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# A number no row has: reversed once, then replaced by the row's own.
_SENTINEL = "918273645"
_URL_PARTS: dict[tuple[str, str, Any], tuple[str, str]] = {}


def pk_url_parts(viewname: str) -> tuple[str, str]:
    key = (viewname, get_script_prefix(), get_urlconf())
    parts = _URL_PARTS.get(key)
    if parts is None:
        url = reverse(viewname, kwargs={"pk": int(_SENTINEL)})
        before, found, after = url.partition(_SENTINEL)
        if not found:  # a converter that rewrote the number: no shortcut for this view
            raise ValueError(f"{viewname} does not take an integer pk as it is")
        parts = _URL_PARTS[key] = (before, after)
    return parts


@register.simple_tag
def pk_url(viewname: str, pk: Any) -> str:
    before, after = pk_url_parts(viewname)
    return f"{before}{int(pk)}{after}"


@register.filter(expects_localtime=True)
def ymd(value: date | datetime | None) -> str:
    if not value:
        return ""
    return value.strftime("%Y-%m-%d")


@register.filter(expects_localtime=True)
def ymd_hm(value: datetime | None) -> str:
    if not value:
        return ""
    return value.strftime("%Y-%m-%d %H:%M")
