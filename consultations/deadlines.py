"""Receipt deadlines in business days: weekends and Japanese public holidays excluded."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.utils import timezone

from . import conf


@cache
def _japan_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Japan(years=year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _japan_holidays(day.year)


def add_business_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
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
