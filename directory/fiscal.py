"""Japanese fiscal years (年度) run from April to March: FY2026 is 2026-04-01 … 2027-03-31."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def fiscal_year_of(day: date | datetime) -> int:
    if isinstance(day, datetime):
        day = day.astimezone(TOKYO).date()
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year(today: date | None = None) -> int:
    """Today's fiscal year, from the date in Japan time (``TIME_ZONE``)."""
    from django.utils import timezone

    return fiscal_year_of(today or timezone.localdate())


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of the fiscal year, inclusive."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def fiscal_year_datetimes(year: int) -> tuple[datetime, datetime]:
    """[start, end) as aware datetimes in Tokyo time, for filtering DateTimeFields."""
    return (
        datetime.combine(date(year, 4, 1), time.min, tzinfo=TOKYO),
        datetime.combine(date(year + 1, 4, 1), time.min, tzinfo=TOKYO),
    )
