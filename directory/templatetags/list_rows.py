"""Cheap building blocks for the rows of long work lists (decisions 0026 and 0027).

A staff list renders 25 rows, each with a link, a date or two and some labels; Django's
general tools cost tens of microseconds each. The longest lists render their rows with
Jinja2 (``{% rows %}``, ``machida_portal.rows``); the others use these:

- ``{% rows "app/x_rows.jinja" name=value … %}`` — the rows template rendered by the ``rows``
  (Jinja2) engine with those names, autoescaped.
- ``{% pk_url "consultations:sheet_detail" s.pk %}`` — ``{% url %}`` for a view whose one
  argument is an integer ``pk``: the URL is reversed once per process (and script prefix) and
  the row's number put in its place, instead of running the resolver for every row.
- ``{{ value|ymd }}`` and ``{{ value|ymd_hm }}`` — ``|date:"Y-m-d"`` and
  ``|date:"Y-m-d H:i"`` (in the current time zone, as ``|date`` does), by ``strftime``
  instead of Django's general date formatter. Empty for ``None``.
- ``{{ tally|tally_label }}`` — a count from ``machida_portal.paging``: 「18 件」, or
  「1,000 件を超えます」 past the work lists' count cap.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from machida_portal import rows as row_tools
from machida_portal.paging import Tally

register = template.Library()


@register.simple_tag
def rows(template_name: str, **context: Any) -> SafeString:
    return row_tools.render_rows(template_name, **context)


@register.simple_tag
def pk_url(viewname: str, pk: Any) -> str:
    return row_tools.pk_url(viewname, pk)


# The same functions the Jinja2 rows use (``machida_portal.rows``): one formatting of dates.
register.filter("ymd", row_tools.ymd, expects_localtime=True)
register.filter("ymd_hm", row_tools.ymd_hm, expects_localtime=True)


@register.filter
def tally_label(value: Tally | int) -> str:
    n = value.n if isinstance(value, Tally) else int(value)
    if isinstance(value, Tally) and value.more:
        return gettext("%(n)s 件を超えます") % {"n": f"{n:,}"}
    return ngettext("%(n)s 件", "%(n)s 件", n) % {"n": f"{n:,}"}


@register.filter
def tally_short(value: Tally | int) -> str:
    """A count for a badge: 「18」, or 「1,000+」 past the cap."""
    n = value.n if isinstance(value, Tally) else int(value)
    return f"{n:,}+" if isinstance(value, Tally) and value.more else f"{n:,}"
