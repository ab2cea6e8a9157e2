"""Japanese era dates (machida_portal.wareki): era boundaries, 元年, typed input, errors and a
round-trip over every day the portal may store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.utils import translation

from machida_portal.wareki import (
    WarekiError,
    age_on,
    format_era_year_en,
    format_wareki,
    from_wareki,
    parse,
    to_wareki,
)


@pytest.fixture(autouse=True)
def _japanese() -> Iterator[None]:
    # The messages are checked in Japanese, whatever language an earlier test left active.
    with translation.override("ja"):
        yield


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1941, 3, 5), "昭和16年3月5日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2026, 11, 29), "令和8年11月29日"),
        (date(1900, 1, 1), "明治33年1月1日"),
    ],
)
def test_era_boundaries_both_ways(day: date, text: str) -> None:
    assert format_wareki(day) == text
    assert parse(text) == day


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "expected"),
    [
        ("showa", 64, 1, 7, date(1989, 1, 7)),
        ("heisei", 1, 1, 8, date(1989, 1, 8)),
        ("heisei", 31, 4, 30, date(2019, 4, 30)),
        ("reiwa", 1, 5, 1, date(2019, 5, 1)),
        ("taisho", 15, 12, 24, date(1926, 12, 24)),
        ("showa", 1, 12, 25, date(1926, 12, 25)),
        ("meiji", 45, 7, 29, date(1912, 7, 29)),
        ("taisho", 1, 7, 30, date(1912, 7, 30)),
    ],
)
def test_from_wareki_on_the_boundaries(
    era: str, year: int, month: int, day: int, expected: date
) -> None:
    assert from_wareki(era, year, month, day) == expected


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "code", "words"),
    [
        ("heisei", 32, 1, 1, "year_outside_era", "平成は元年から31年までです"),
        ("showa", 65, 1, 1, "year_outside_era", "昭和は元年から64年までです"),
        ("showa", 0, 1, 1, "year_outside_era", "昭和は"),
        # In the right year but the wrong side of the change of era.
        ("heisei", 1, 1, 7, "day_outside_era", "平成ではありません"),
        ("showa", 64, 1, 8, "day_outside_era", "昭和ではありません"),
        ("reiwa", 1, 4, 30, "day_outside_era", "令和ではありません"),
        ("heisei", 31, 5, 1, "day_outside_era", "平成ではありません"),
        ("showa", 1, 12, 24, "day_outside_era", "昭和ではありません"),
        ("taisho", 1, 7, 29, "day_outside_era", "大正ではありません"),
        ("showa", 16, 2, 30, "no_such_day", "その日付はありません"),
        ("showa", 16, 13, 1, "no_such_day", "その日付はありません"),
        ("meiji", 5, 1, 1, "before_gregorian", "明治6年"),
        ("edo", 1, 1, 1, "unknown_era", "元号を選んでください"),
        # Numbers past what a date holds (the form fuzz found a 500 here): refused, not raised.
        ("showa", 16, 10**20, 1, "no_such_day", "その日付はありません"),
        ("reiwa", 10**20, 1, 1, "no_such_day", "その日付はありません"),
        ("reiwa", 9000, 1, 1, "no_such_day", "その日付はありません"),
    ],
)
def test_impossible_era_dates_are_refused_with_a_reason(
    era: str, year: int, month: int, day: int, code: str, words: str
) -> None:
    with pytest.raises(WarekiError) as caught:
        from_wareki(era, year, month, day)
    assert caught.value.code == code
    assert words in str(caught.value.message)


@pytest.mark.parametrize(
    "text",
    [
        "昭和16年3月5日",
        "昭和１６年３月５日",
        "S16.3.5",
        "s16.3.5",
        "Ｓ１６．３．５",
        "S16/3/5",
        "S 16-3-5",
        "1941年3月5日",
        "1941-03-05",
        "1941/3/5",
        " 昭和16年 3月 5日 ",
    ],
)
def test_typed_dates_are_read(text: str) -> None:
    assert parse(text) == date(1941, 3, 5)


def test_gannen_is_read_typed_and_by_letter() -> None:
    assert parse("平成元年1月8日") == parse("H1.1.8") == date(1989, 1, 8)
    assert parse("令和元年5月1日") == parse("R1.5.1") == date(2019, 5, 1)


@pytest.mark.parametrize("text", ["", "昭和", "16年3月5日", "X16.3.5", "昭和16年3月", "そのうち"])
def test_unreadable_text_says_how_to_write_a_date(text: str) -> None:
    with pytest.raises(WarekiError) as caught:
        parse(text)
    assert caught.value.code == "unreadable"
    assert "S16.3.5" in str(caught.value.message)


def test_every_day_round_trips_from_1900_to_2040() -> None:
    day = date(1900, 1, 1)
    while day <= date(2040, 12, 31):
        era, year = to_wareki(day)
        assert from_wareki(era.key, year, day.month, day.day) == day
        assert parse(format_wareki(day)) == day
        day += timedelta(days=1)


def test_english_shows_the_era_and_year_in_romaji() -> None:
    assert format_era_year_en(date(1941, 3, 5)) == "Shōwa 16"
    assert format_era_year_en(date(2019, 5, 1)) == "Reiwa 1"


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(1941, 3, 5), date(2026, 11, 29), 85),
        (date(1941, 3, 5), date(2027, 3, 4), 85),
        (date(1941, 3, 5), date(2027, 3, 5), 86),
        (date(1940, 2, 29), date(2027, 2, 28), 86),
        (date(1940, 2, 29), date(2027, 3, 1), 87),
        (date(2026, 11, 29), date(2026, 11, 29), 0),
    ],
)
def test_age_in_whole_years(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age
