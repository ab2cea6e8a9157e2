"""Reads the portal makes on every request, compiled to SQL once per process (decision 0031).

Django turns a queryset into SQL on every evaluation. For the few reads every staff page makes
— the reader's agency membership, a tsunagu sheet with its consent rule, the sheet's history —
that compilation was a quarter of the page's Python time (``bench.inprocess``: 2.7 ms of the
sheet page's 9.4 ms in four ``SQLCompiler.as_sql`` calls), for SQL text that never changes:
only the numbers in it do (the sheet, the agency, the user).

``Compiled`` builds such a queryset once with stand-in numbers, compiles it, and keeps the SQL
and the compiler's description of its columns. Each run puts the real numbers in place of the
stand-ins and lets Django's own iterables (``ModelIterable``, ``ValuesIterable`` …) read the
rows, so instances, ``select_related`` objects, annotations and converters are exactly those
of the queryset::

    MEMBERSHIP = Compiled(
        lambda user: Membership.objects.filter(user_id=user).select_related("organization"),
        "user",
    )
    MEMBERSHIP.list(user=request.user.pk)

Rules that keep it honest:

* Only whole numbers (primary and foreign keys) and moments (``moments``: aware datetimes,
  such as "now" or "received before") vary. Anything else the SQL depends on is part of the
  cache key (``keyed`` arguments, e.g. today's date or a page's bounds), and the number of
  entries kept per statement is bounded.
* Each stand-in must reach the SQL's parameters as itself, and not its text: a stand-in that
  disappears (the build ignored it, or it was folded into the SQL as a literal, as slicing
  is) fails at the first run with ``ValueError``, never silently.
* A run returns a list, never a queryset: nothing can chain onto SQL compiled for another
  shape.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, MultipleObjectsReturned
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

T = TypeVar("T")

# Stand-ins for the varying numbers: negative, far outside any key the database hands out.
_STAND_IN_BASE = -7_318_264_500_000


def _moment_stand_in(i: int) -> datetime:
    """A moment no row holds (1901, to the microsecond), one per name."""
    return datetime(1901, 2, 3, 4, 5, 6, 700_000 + i, tzinfo=UTC)


def _shallow(obj: Any) -> Any:
    """A copy sharing ``obj``'s attributes (``copy.copy`` would pickle-copy a queryset, which
    evaluates it)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


@dataclass(frozen=True)
class _Entry:
    queryset: QuerySet[Any]
    compiler: Any  # the SQLCompiler that compiled it: columns, converters, klass_info
    sql: str | None  # None: the queryset can have no rows (``.none()``)
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position in params, name of the number or moment)


class Compiled(Generic[T]):
    """A read whose SQL depends only on the whole numbers ``names`` (and on ``keyed``
    arguments, which select one compiled form each), compiled once per process."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *names: str,
        moments: tuple[str, ...] = (),
        keyed: tuple[str, ...] = (),
        maxsize: int = 8,
    ) -> None:
        self.build = build
        self.names = names
        self.moments = moments
        self.keyed = keyed
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()

    def _compile(self, using: str, keys: dict[str, Any]) -> _Entry:
        numbers = {name: _STAND_IN_BASE - i for i, name in enumerate(self.names)}
        moments = {name: _moment_stand_in(i) for i, name in enumerate(self.moments)}
        queryset = self.build(**numbers, **moments, **keys)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Entry(queryset, compiler, None, (), ())
        # A moment reaches the parameters as the database's adapter makes it (the datetime on
        # PostgreSQL, text in UTC on SQLite): look for that form, and put the real moment in
        # the same form at each run.
        adapt = connections[using].ops.adapt_datetimefield_value
        wanted: dict[Any, str] = {number: name for name, number in numbers.items()}
        wanted.update({adapt(moment): name for name, moment in moments.items()})
        slots = tuple(
            (i, wanted[p])
            for i, p in enumerate(params)
            if type(p) in (int, str, datetime) and p in wanted
        )
        found = {n for _, n in slots}
        for name, value in [*numbers.items(), *moments.items()]:
            if name not in found:
                raise ValueError(f"{name!r} does not reach the SQL's parameters as itself")
            text = str(adapt(value) if isinstance(value, datetime) else value)
            if text in sql:
                raise ValueError(f"{name!r} was written into the SQL text itself")
        return _Entry(queryset, compiler, sql, tuple(params), slots)

    def _params(self, entry: _Entry, using: str, values: dict[str, Any]) -> tuple[Any, ...]:
        params = list(entry.params)
        adapt = connections[using].ops.adapt_datetimefield_value
        moments = set(self.moments)
        for position, name in entry.slots:
            value = values[name]
            if name in moments:
                if not isinstance(value, datetime) or value.tzinfo is None:
                    raise TypeError(f"{name!r} must be an aware datetime")
                params[position] = adapt(value)
            else:
                params[position] = int(value)
        return tuple(params)

    def _checked(self, values: dict[str, Any]) -> None:
        unknown = set(values) - set(self.names) - set(self.moments) - set(self.keyed)
        if unknown:
            raise TypeError(f"unknown arguments: {sorted(unknown)}")

    def sql_params(
        self, *, using: str = DEFAULT_DB_ALIAS, **values: Any
    ) -> tuple[str, tuple[Any, ...]] | None:
        """The SQL and its parameters for these values (``None``: the query has no rows), to
        compose into a larger statement (``machida_portal.paging`` counts)."""
        self._checked(values)
        entry = self._entry(using, {k: values[k] for k in self.keyed})
        if entry.sql is None:
            return None
        return entry.sql, self._params(entry, using, values)

    def _entry(self, using: str, keys: dict[str, Any]) -> _Entry:
        key = (using, *(keys[k] for k in self.keyed))
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = self._compile(using, keys)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return entry

    def list(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[T]:
        """The rows, as the built queryset gives them (instances, dicts or tuples)."""
        self._checked(values)
        entry = self._entry(using, {k: values[k] for k in self.keyed})
        if entry.sql is None:
            return []
        sql, params = entry.sql, self._params(entry, using, values)
        compiler = _shallow(entry.compiler)
        compiler.connection = connections[using]  # this thread's connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        query = _shallow(entry.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = _shallow(entry.queryset)
        iterable = queryset._iterable_class
        queryset.query = query  # the setter makes any values query give dicts: put it back
        queryset._iterable_class = iterable
        queryset._result_cache = None
        queryset._db = using
        return list(queryset)

    def clear(self) -> None:
        """Forget every compiled form (a test that changes a rule the SQL was built from)."""
        self._entries.clear()

    def one(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> T | None:
        """The one row, or ``None``; more than one is a programming error."""
        rows = self.list(using=using, **values)
        if len(rows) > 1:
            raise MultipleObjectsReturned(f"{len(rows)} rows where one was expected")
        return rows[0] if rows else None


class CompiledPages:
    """A list read with ``compiled`` — keyed by ``start`` and ``stop`` — as the sequence a
    paginator slices (``WorkListPaginator`` with ``known_count``: it has no count of its own).
    ``values`` are the statement's other arguments."""

    ordered = True  # the statement has its ORDER BY; Paginator asks

    def __init__(self, compiled: Compiled[Any], **values: Any) -> None:
        self.compiled = compiled
        self.values = values

    def __getitem__(self, index: slice) -> list[Any]:
        start = index.start or 0
        if index.stop is None or index.stop <= start:
            return []
        return self.compiled.list(start=start, stop=index.stop, **self.values)

    def count(self) -> int:
        raise TypeError("give the paginator the count the page has taken (known_count)")


def id_places(count: int) -> tuple[str, ...]:
    """Names for ``count`` ids of an ``IN`` list, so that a page's ids are one statement whose
    length never changes: ``Compiled(build, *id_places(26))``, run with ``rows_for_ids``."""
    return tuple(f"id{i}" for i in range(count))


def rows_for_ids(compiled: Compiled[T], ids: list[int]) -> list[T]:
    """The rows of ``compiled`` (built over ``id_places(n)``) for these ids: ``n`` at a time,
    the unused places holding 0, which no row's id is."""
    places = compiled.names
    rows: list[T] = []
    for at in range(0, len(ids), len(places)):
        chunk = ids[at : at + len(places)]
        padded = [*chunk, *[0] * (len(places) - len(chunk))]
        values: dict[str, Any] = dict(zip(places, padded, strict=True))
        rows.extend(compiled.list(**values))
    return rows
