from datetime import UTC, date, datetime

import pytest

from directory.fiscal import fiscal_year_bounds, fiscal_year_datetimes, fiscal_year_of


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 4, 1), 2026), (date(2027, 3, 31), 2026), (date(2026, 3, 31), 2025)],
)
def test_fiscal_year_runs_april_to_march(day: date, year: int) -> None:
    assert fiscal_year_of(day) == year


def test_fiscal_year_of_a_datetime_uses_tokyo_time() -> None:
    # 2026-03-31 16:00 UTC is already 1 April in Tokyo.
    assert fiscal_year_of(datetime(2026, 3, 31, 16, 0, tzinfo=UTC)) == 2026


def test_bounds() -> None:
    assert fiscal_year_bounds(2026) == (date(2026, 4, 1), date(2027, 3, 31))
    start, end = fiscal_year_datetimes(2026)
    assert start.date() == date(2026, 4, 1) and end.date() == date(2027, 4, 1)
