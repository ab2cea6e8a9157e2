"""Business days: weekends, Japanese public holidays and the offices' year-end closure
(年末年始, 12/29–1/3, ``conf.YEAR_END_CLOSED``) are not counted.

Everything in consultations that counts business days goes through here: the receipt deadline
(``deadline_for``), the days a sheet is late and the days since its last movement
(``business_days_between``), and when a sheet turns stale (``business_days_before``).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.utils import timezone

from . import conf

# The closure Japanese public offices keep at the turn of the year (行政機関の休日に関する法律
# 第1条: 12月29日から翌年1月3日まで), as (month, day) pairs.
YEAR_END_CLOSURE = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


@cache
def _japan_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Japan(years=year)


def is_year_end_closure(day: date) -> bool:
    return (day.month, day.day) in YEAR_END_CLOSURE


def is_business_day(day: date) -> bool:
    if day.weekday() >= 5 or day in _japan_holidays(day.year):
        return False
    return not (conf.YEAR_END_CLOSED and is_year_end_closure(day))


@cache
def _business_days_of_year(year: int, year_end_closed: bool) -> tuple[date, ...]:
    """The year's business days in order (cached per year and closure setting)."""
    day, end = date(year, 1, 1), date(year, 12, 31)
    days: list[date] = []
    while day <= end:
        if (
            day.weekday() < 5
            and day not in _japan_holidays(year)
            and not (year_end_closed and is_year_end_closure(day))
        ):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def _count_through(day: date) -> tuple[int, int]:
    """(year, business days from 1 January of ``day``'s year up to and including ``day``)."""
    days = _business_days_of_year(day.year, bool(conf.YEAR_END_CLOSED))
    return day.year, bisect_right(days, day)


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end`` (0 when ``end <= start``).

    A sheet due on Friday and still not received on Monday is 1 business day late; one last
    moved on Friday is 1 business day without movement on Monday. Counted from cached tables
    per year, so a page of 25 rows costs no loops over days.
    """
    if end <= start:
        return 0
    closed = bool(conf.YEAR_END_CLOSED)
    start_year, start_n = _count_through(start)
    end_year, end_n = _count_through(end)
    whole_years = sum(len(_business_days_of_year(y, closed)) for y in range(start_year, end_year))
    return whole_years + end_n - start_n


def add_business_days(day: date, n: int) -> date:
    """The ``n``-th business day after ``day`` (``day`` itself when ``n`` is 0)."""
    while n > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


def business_days_before(day: date, n: int) -> date:
    """The ``n``-th business day before ``day`` (``day`` itself when ``n`` is 0)."""
    while n > 0:
        day -= timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


def deadline_for(sent_at: datetime, urgency: str) -> datetime:
    """The end of the day by which the sheet must be received.

    緊急 is the same calendar day even on a holiday: an urgent case does not wait for Monday.
    Otherwise count business days from the day it was sent.
    """
    days = conf.SHEET_DEADLINE_BUSINESS_DAYS.get(urgency, 3)
    local = timezone.localtime(sent_at).date()
    end_day = local if days == 0 else add_business_days(local, days)
    return timezone.make_aware(datetime.combine(end_day, time(23, 59, 59)))
