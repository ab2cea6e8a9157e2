"""The rows of the long work lists, rendered by Jinja2 (decision 0027).

A work list prints 25 rows of six to ten cells; Django's template language spends tens of
microseconds on every variable, filter and ``{% if %}`` of a row, and those rows were half of
the work pages' time. The rows — only the rows — are a Jinja2 template, compiled to Python
once per process and autoescaped like Django's. The page around them, its translations and
forms stay Django templates; a page includes its rows with ``{% rows %}`` (``list_rows``)::

    {% translate "市全域" as city_wide %}
    {% rows "projects/inbox_rows.jinja" ideas=page_obj city_wide=city_wide %}

Row templates live in ``<app>/jinja2/<app>/…jinja`` (Django's Jinja2 backend finds them; the
Django engine never does). They hold no text to translate: labels come from the page, as
above, or from the objects (choice labels, names in the current language).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.template import engines
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment, StrictUndefined, pass_context
from jinja2.runtime import Context

# A number no row has: reversed once, then replaced by the row's own.
_SENTINEL = "918273645"
_URL_PARTS: dict[tuple[str, str, Any], tuple[str, str]] = {}


def pk_url_parts(viewname: str) -> tuple[str, str]:
    """The URL of ``viewname`` before and after its integer ``pk``, reversed once per process
    (and script prefix and urlconf) instead of running the resolver for every row."""
    key = (viewname, get_script_prefix(), get_urlconf())
    parts = _URL_PARTS.get(key)
    if parts is None:
        url = reverse(viewname, kwargs={"pk": int(_SENTINEL)})
        before, found, after = url.partition(_SENTINEL)
        if not found:  # a converter that rewrote the number: no shortcut for this view
            raise ValueError(f"{viewname} does not take an integer pk as it is")
        parts = _URL_PARTS[key] = (before, after)
    return parts


def pk_url(viewname: str, pk: Any) -> str:
    """``{% url viewname pk=pk %}`` for a view whose one argument is an integer pk."""
    before, after = pk_url_parts(viewname)
    return f"{before}{int(pk)}{after}"


def _local(value: date | datetime, tz: Any) -> date | datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(tz if tz is not None else timezone.get_current_timezone())
    return value


def _ymd(value: date | datetime | None, tz: Any = None) -> str:
    if not value:
        return ""
    value = _local(value, tz)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _ymd_hm(value: datetime | None, tz: Any = None) -> str:
    if not value:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(tz if tz is not None else timezone.get_current_timezone())
    return f"{_ymd(value)} {value.hour:02d}:{value.minute:02d}"


def ymd(value: date | datetime | None) -> str:
    """``|date:"Y-m-d"`` in the current time zone; empty for ``None``."""
    return _ymd(value)


def ymd_hm(value: datetime | None) -> str:
    """``|date:"Y-m-d H:i"`` in the current time zone; empty for ``None``."""
    return _ymd_hm(value)


# In the rows, the current time zone is looked up once per rendering (``render_rows`` puts it
# in the context as ``_tz``), not once per cell: a row list has 25–100 dates.
@pass_context
def _rows_ymd(context: Context, value: date | datetime | None) -> str:
    return _ymd(value, context.get("_tz"))


@pass_context
def _rows_ymd_hm(context: Context, value: datetime | None) -> str:
    return _ymd_hm(value, context.get("_tz"))


def environment(**options: Any) -> Environment:
    """The Jinja2 environment of the ``rows`` engine (settings ``TEMPLATES``)."""
    options["undefined"] = StrictUndefined  # a misspelt name fails, not prints nothing
    options["autoescape"] = True
    env = Environment(**options)  # noqa: S701  # nosec B701 — autoescape is set just above
    env.filters.update({"ymd": _rows_ymd, "ymd_hm": _rows_ymd_hm})
    env.globals.update({"pk_url": pk_url, "pk_url_parts": pk_url_parts})
    return env


def render_rows(template_name: str, **context: Any) -> SafeString:
    """The rows ``template_name`` renders with ``context``, safe to put in a page: every value
    was escaped by the autoescaping environment."""
    env = engines["rows"].env  # type: ignore[attr-defined]
    html = env.get_template(template_name).render(context, _tz=timezone.get_current_timezone())
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 — autoescaped by Jinja2
