"""Business days: weekends, national holidays and 年末年始 (12/29–1/3, on by default) are closed.

The holidays come from the ``holidays`` package; ``jpholiday`` (a test dependency, written
independently from the Cabinet Office's list and the law's rules) checks them day by day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jpholiday
import pytest
from django.test import override_settings
from django.utils import timezone

from consultations.deadlines import (
    add_business_days,
    business_days_before,
    business_days_between,
    deadline_for,
    is_business_day,
)

TOKYO = ZoneInfo("Asia/Tokyo")


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _independent(day: date, *, year_end: bool = True) -> bool:
    closed = (day.month, day.day) in {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not (year_end and closed)


def test_business_days_agree_with_an_independent_holiday_source_over_years() -> None:
    # Includes the moved holidays of 2019 (改元), 2020 and 2021 (the Olympics).
    disagree = [
        d
        for d in _days(date(2016, 1, 1), date(2030, 12, 31))
        if is_business_day(d) != _independent(d)
    ]
    assert disagree == []


@override_settings(CONSULTATIONS_YEAR_END_CLOSED=False)
def test_without_the_year_end_closure_only_weekends_and_holidays_are_closed() -> None:
    days = _days(date(2024, 12, 1), date(2027, 1, 31))
    assert [d for d in days if is_business_day(d) != _independent(d, year_end=False)] == []
    assert is_business_day(date(2026, 12, 29))


def test_the_year_end_closure_is_on_by_default() -> None:
    assert not is_business_day(date(2026, 12, 28) + timedelta(days=1))  # Tuesday 12/29
    assert not is_business_day(date(2027, 1, 3) - timedelta(days=2))  # 1/1
    assert not is_business_day(date(2025, 1, 3))  # Friday 1/3
    assert is_business_day(date(2026, 12, 28)) and is_business_day(date(2027, 1, 4))


@pytest.mark.parametrize(
    ("sent", "urgency", "closed", "due"),
    [
        # Monday 12/28: 1/4, 1/5, 1/6 — or 12/29, 12/30, 12/31 when the offices stay open.
        (date(2026, 12, 28), "normal", True, date(2027, 1, 6)),
        (date(2026, 12, 28), "normal", False, date(2026, 12, 31)),
        # Friday 12/26/2025: the next business day is Monday 1/5/2026.
        (date(2025, 12, 26), "high", True, date(2026, 1, 5)),
        (date(2025, 12, 26), "high", False, date(2025, 12, 29)),
        # Sent during the closure: counted from the first day the offices open.
        (date(2024, 12, 30), "normal", True, date(2025, 1, 8)),
        # Urgent is the same calendar day, even inside the closure.
        (date(2026, 12, 30), "urgent", True, date(2026, 12, 30)),
    ],
)
def test_deadlines_at_the_year_end(sent: date, urgency: str, closed: bool, due: date) -> None:
    at = datetime(sent.year, sent.month, sent.day, 15, 0, tzinfo=TOKYO)
    with override_settings(CONSULTATIONS_YEAR_END_CLOSED=closed):
        assert timezone.localtime(deadline_for(at, urgency)).date() == due


def test_business_days_between_counts_the_days_after_start_through_end() -> None:
    assert business_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert business_days_between(date(2026, 11, 20), date(2026, 11, 19)) == 0
    # Friday → Tuesday over 勤労感謝の日 (Monday 11/23): one business day.
    assert business_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 1
    assert business_days_between(date(2026, 12, 28), date(2027, 1, 6)) == 3
    with override_settings(CONSULTATIONS_YEAR_END_CLOSED=False):
        assert business_days_between(date(2026, 12, 28), date(2027, 1, 6)) == 6


def test_business_days_between_matches_counting_day_by_day_across_years() -> None:
    starts = [date(2023, 12, 27), date(2024, 2, 29), date(2025, 12, 31), date(2026, 7, 1)]
    ends = [date(2024, 1, 5), date(2025, 1, 6), date(2026, 12, 31), date(2027, 3, 31)]
    for start in starts:
        for end in ends:
            expected = sum(1 for d in _days(start + timedelta(days=1), end) if is_business_day(d))
            assert business_days_between(start, end) == max(expected, 0), (start, end)


def test_adding_and_going_back_are_inverse_on_business_days() -> None:
    assert business_days_before(date(2027, 1, 4), 1) == date(2026, 12, 28)
    assert business_days_before(date(2026, 11, 24), 0) == date(2026, 11, 24)
    for start in _days(date(2026, 12, 1), date(2027, 1, 15)):
        if is_business_day(start):
            later = add_business_days(start, 7)
            assert business_days_before(later, 7) == start
            assert business_days_between(start, later) == 7
