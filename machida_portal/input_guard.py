"""Input no database can hold answers a clear 400, never a 500 (issue #11, finding 10).

PostgreSQL refuses a NUL character in any text it is sent: a NUL in a path or query string
that reaches a lookup is a 500. ``InputGuardMiddleware`` answers those requests with a small
page in the visitor's language before any view (or session lookup) runs. Form fields already
refuse NUL (Django's ``ProhibitNullCharactersValidator``); views that read ids straight from
a request use ``parse_id``: ``"²".isdigit()`` is true but ``int("²")`` fails, and
``99999999999999999999`` is a number no id column holds. ``IntegerFieldIn`` keeps such a
number, sent to a multiple-choice field, from reaching an ``__in`` query.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import IntegerField
from django.db.models.lookups import In
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

NUL = "\x00"
# Ids are BigAutoField (DEFAULT_AUTO_FIELD).
MAX_ID = 2**63 - 1
# The top of a PositiveIntegerField (and IntegerField) on PostgreSQL.
MAX_POSITIVE_INT = 2**31 - 1


def has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def parse_int(raw: str | None, *, low: int, high: int) -> int | None:
    """A whole number typed by a person, within ``low``–``high``, or ``None``.

    Any decimal digits count (full-width １２ typed with a Japanese IME is 12), after an
    optional minus sign; superscripts and other "digits" that ``int()`` refuses do not
    (``"²".isdigit()`` is true), nor numbers a column could not hold. Long strings are
    refused before ``int()`` reads them.
    """
    text = (raw or "").strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > len(str(max(abs(low), abs(high)))) or not digits.isdecimal():
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(raw: str | None) -> int | None:
    """An object id from a query string or a hand-built form value, or ``None``."""
    return parse_int(raw, low=1, high=MAX_ID)


def parse_ids(raw: str | None, *, limit: int) -> list[int]:
    """Comma-separated ids (``?ideas=3,4``): the valid ones, in order, at most ``limit``."""
    ids = [parse_id(part) for part in (raw or "").split(",")[: limit * 4]]
    return [i for i in ids if i is not None][:limit]


Record = TypeVar("Record")


def csv_records(reader: Iterator[Record]) -> Iterator[tuple[int, Record | None]]:
    """(line, record) for each record after the header; then ``(line, None)`` and the end
    if the CSV reader refuses one (a cell over its 131,072-character field limit, which it
    raises as ``csv.Error``: a 500 if let through)."""
    line = 2
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield line, None
            return
        yield line, record
        line += 1


def csv_cell_too_long(line: int) -> str:
    return _("%(line)d 行目：欄が長すぎて読み取れません（1つの欄は %(max)s 字まで）。") % {
        "line": line,
        "max": f"{csv.field_size_limit():,}",
    }


def bad_input_response(request: HttpRequest) -> HttpResponse:
    # Runs before LocaleMiddleware: the visitor's language is read here, from the same
    # cookie and Accept-Language header.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        return HttpResponseBadRequest(render_to_string("400.html", {"bad_character": True}))


class InputGuardMiddleware:
    """Answers 400 for a NUL in the path or in any query-string key or value, and drops a
    cookie holding one (the portal never sets such a cookie; a session cookie with a NUL
    was a 500 on every page, and a 400 would lock the browser out until it is cleared)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
            del request.COOKIES[name]
        query = request.GET
        if (
            NUL in request.path
            or NUL in request.path_info
            or has_nul(query.keys())
            or has_nul(v for values in query.lists() for v in values[1])
        ):
            return bad_input_response(request)
        return self.get_response(request)


class IntegerFieldIn(In):
    """``__in`` on an integer column, leaving out numbers the column cannot hold: no row
    has them. Django does this for ``exact`` and the comparisons (``IntegerFieldOverflow``)
    but not for ``in``, which ``ModelMultipleChoiceField`` runs on the ids a form posts:
    on SQLite an id of 2**63 raised OverflowError, a 500."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(
                    self.lhs.output_field.get_internal_type()
                )
            except KeyError:  # not a column type Django knows the range of
                low = high = None
            self.rhs = [
                v
                for v in self.rhs
                if not isinstance(v, int)
                or ((low is None or v >= low) and (high is None or v <= high))
            ]
        return super().process_rhs(compiler, connection)


def guard_integer_in_lookups() -> None:
    """Called once at start-up (``directory.apps``)."""
    IntegerField.register_lookup(IntegerFieldIn)
