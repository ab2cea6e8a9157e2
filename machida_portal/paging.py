"""Pagination helpers for the work lists (decision 0027).

Counting is the one part of a list page whose cost grows with the data: ``COUNT(*)`` reads
every matching index entry, and a large agency's inbox, the coordinators' inbox and the city's
overdue board count tens of thousands. The work lists count **up to a cap** instead
(``WORK_LIST_COUNT_CAP``, 1,000 by default): below it the figure is exact; above it the page
says 「1,000 件を超えます」 and pages on without a last page number, deciding whether there is a
next page by reading one row more. What a page shows is never estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

P = TypeVar("P", bound=Paginator)


def count_cap() -> int:
    return int(getattr(settings, "WORK_LIST_COUNT_CAP", 1000))


@dataclass(frozen=True)
class Tally:
    """A count up to a cap: ``n`` is exact unless ``more`` (then there are more than ``n``)."""

    n: int
    more: bool = False

    def __int__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0


def tally(n: int, cap: int | None = None) -> Tally:
    """The tally of a count read up to ``cap + 1`` rows."""
    cap = count_cap() if cap is None else cap
    return Tally(cap, True) if n > cap else Tally(n)


def sum_tallies(tallies: Any) -> Tally:
    """The sum of several tallies: exact when each is; otherwise there are more than it."""
    total, more = 0, False
    for t in tallies:
        total += t.n
        more = more or t.more
    return Tally(total, more)


def capped_count(qs: Any, cap: int | None = None) -> Tally:
    """Count ``qs`` reading at most ``cap + 1`` rows (a ``LIMIT`` inside the count).

    ``qs`` is a queryset, or any object with ``count(limit=...)`` (the overdue board)."""
    cap = count_cap() if cap is None else cap
    if isinstance(qs, QuerySet):
        return tally(qs.order_by().values("pk")[: cap + 1].count(), cap)
    return tally(qs.count(limit=cap + 1), cap)


def count_arms(db: str, arms: Sequence[tuple[str, Sequence[Any]] | None]) -> list[int]:
    """``COUNT(*)`` of each compiled ORM query in ``arms`` (SQL and parameters, as
    ``Compiled.sql_params`` gives them), in one statement; ``None`` — a query that can have no
    row — counts 0, in its place."""
    present = [(i, arm) for i, arm in enumerate(arms) if arm is not None]
    if not present:
        return [0] * len(arms)
    parts: list[str] = []
    params: list[Any] = []
    for i, (sql, arm_params) in present:
        # Only the ORM's own SQL is composed here; every value stays a parameter.
        parts.append(f"SELECT {i} AS k, COUNT(*) AS n FROM ({sql}) arm{i}")  # noqa: S608  # nosec B608
        params.extend(arm_params)
    with connections[db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = dict(cursor.fetchall())
    return [found.get(i, 0) for i in range(len(arms))]


def counts_together(arms: dict[str, tuple[Any, int | None]]) -> dict[str, Tally]:
    """Several counts a page shows, in one statement: ``{name: (queryset, cap)}``, each
    counted up to its cap (``None``: exactly — for a count its index keeps small, such as
    the inbox's overdue ideas). One round trip instead of one per count."""
    if not arms:
        return {}
    compiled: list[tuple[str, list[Any]] | None] = []
    db = "default"
    for qs, cap in arms.values():
        db = qs.db
        arm = qs.order_by().values("pk")
        if cap is not None:
            arm = arm[: cap + 1]
        try:
            sql, params = arm.query.sql_with_params()
        except EmptyResultSet:  # ``.none()``: nothing to count
            compiled.append(None)
            continue
        compiled.append((sql, list(params)))
    found = count_arms(db, compiled)
    return {
        name: tally(n, cap) if cap is not None else Tally(n)
        for (name, (_, cap)), n in zip(arms.items(), found, strict=True)
    }


class WorkListPage(Page):
    """A page that knows whether another follows even when the total is not known."""

    more_after: bool | None = None

    def has_next(self) -> bool:
        if self.more_after is not None:
            return self.more_after
        return super().has_next()


class WorkListPaginator(Paginator):
    """A paginator whose count stops at the cap (see the module's docstring).

    ``count`` is exact up to the cap; ``tally`` says whether there are more. Past the cap
    ``num_pages`` is unknown (``None`` in templates via ``last_page``), any page number is
    accepted and a page reads one row more to know whether a next one exists."""

    def __init__(
        self, object_list: Any, per_page: int, *, cap: int | None = None, known: Tally | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = count_cap() if cap is None else cap
        if known is not None:
            self.__dict__["tally"] = known

    @cached_property
    def tally(self) -> Tally:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return self.tally.n

    @property
    def capped(self) -> bool:
        return self.tally.more

    @property
    def last_page(self) -> int | None:
        return None if self.capped else self.num_pages

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number: Any) -> Page:
        try:
            return super().get_page(number)
        except EmptyPage:  # only past the cap, when a page has no row: the first page
            return self.page(1)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = WorkListPage(rows[: self.per_page], number, self)
        page.more_after = len(rows) > self.per_page
        return page

    def _get_page(self, *args: Any, **kwargs: Any) -> Page:
        return WorkListPage(*args, **kwargs)


def known_count(paginator: P, count: int | Tally) -> P:
    """Give ``paginator`` a total the page has already counted (state counts shown above the
    list, say), so it does not run its own ``COUNT(*)`` over the same rows. The caller vouches
    that ``count`` is the number of rows of the paginator's list."""
    if isinstance(paginator, WorkListPaginator):
        paginator.__dict__["tally"] = count if isinstance(count, Tally) else Tally(count)
        paginator.__dict__.pop("count", None)
    else:
        paginator.__dict__["count"] = int(count)  # Paginator.count is a cached_property
    return paginator
