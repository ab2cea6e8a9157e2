"""Japanese era dates (和暦): 明治・大正・昭和・平成・令和 ⇄ the western (Gregorian) calendar.

A small table of our own rather than a dependency: five eras, each with its first and last
day, covers every date the portal stores (birth dates from 1900). Dates before 1 January 1873
(明治6年) are refused: Japan used its lunisolar calendar until then, so a 和暦 month and day
before it does not map to a Gregorian day by the era's offset.

* ``to_wareki(day)`` → (era, year in the era); ``format_wareki(day)`` → 「昭和16年3月5日」,
  the first year written 元年 (「平成元年1月8日」).
* ``from_wareki(era, year, month, day)`` → a date, or ``WarekiError`` with a message for the
  person typing: an era's year past its end (平成32年), a day outside the era (平成元年1月7日 is
  昭和64年), a day that does not exist (2月30日).
* ``parse(text)`` reads 「昭和16年3月5日」, 「昭和元年12月25日」, 「S16.3.5」, 「s16/3/5」,
  「1941年3月5日」, 「1941-03-05」, 「1941/3/5」, full-width digits too.
* ``age_on(birth, today)`` → age in whole years, as of ``today`` (someone born on 29 February
  turns a year older on 1 March in other years).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

GREGORIAN_FROM = date(1873, 1, 1)


@dataclass(frozen=True)
class Era:
    key: str
    name: str  # 昭和
    romaji: str  # Shōwa
    letter: str  # S
    first: date
    last: date | None  # None: the current era

    def last_year(self) -> int | None:
        return None if self.last is None else self.last.year - self.first.year + 1


ERAS: tuple[Era, ...] = (
    Era("meiji", "明治", "Meiji", "M", date(1868, 1, 25), date(1912, 7, 29)),
    Era("taisho", "大正", "Taishō", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("showa", "昭和", "Shōwa", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("heisei", "平成", "Heisei", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("reiwa", "令和", "Reiwa", "R", date(2019, 5, 1), None),
)
ERA_BY_KEY = {e.key: e for e in ERAS}
_ERA_BY_WORD = {**{e.name: e for e in ERAS}, **{e.letter: e for e in ERAS}}


class WarekiError(ValueError):
    """A date that cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message: object, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def era_of(day: date) -> Era:
    if day < GREGORIAN_FROM:
        raise WarekiError(_("明治6年（1873年）より前の日付は扱えません。"), "before_gregorian")
    for era in reversed(ERAS):
        if day >= era.first:
            return era
    raise WarekiError(_("明治6年（1873年）より前の日付は扱えません。"), "before_gregorian")


def to_wareki(day: date) -> tuple[Era, int]:
    era = era_of(day)
    return era, day.year - era.first.year + 1


def era_year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_wareki(day: date) -> str:
    """「昭和16年3月5日」 (always Japanese: era names are not translated)."""
    era, year = to_wareki(day)
    return f"{era.name}{era_year_text(year)}年{day.month}月{day.day}日"


def format_era_year_en(day: date) -> str:
    """「Shōwa 16」: the era and year for an English page."""
    era, year = to_wareki(day)
    return f"{era.romaji} {year}"


def from_wareki(era_key: str, year: int, month: int, day: int) -> date:
    era = ERA_BY_KEY.get(era_key)
    if era is None:
        raise WarekiError(_("元号を選んでください。"), "unknown_era")
    last_year = era.last_year()
    if year < 1 or (last_year is not None and year > last_year):
        raise WarekiError(
            _("%(era)sは元年から%(last)s年までです。")
            % {"era": era.name, "last": last_year if last_year is not None else year},
            "year_outside_era",
        )
    try:
        result = date(era.first.year + year - 1, month, day)
    except (ValueError, OverflowError):  # 2月30日, or a month of 10**20
        raise WarekiError(
            _("その日付はありません。月と日を確かめてください。"), "no_such_day"
        ) from None
    if result < era.first or (era.last is not None and result > era.last):
        raise WarekiError(
            _("%(date)sは%(era)sではありません（%(era)sは%(first)sから%(last)sまで）。")
            % {
                "date": f"{result:%Y-%m-%d}",
                "era": era.name,
                "first": format_wareki(era.first) if era.first >= GREGORIAN_FROM else era.name,
                "last": format_wareki(era.last) if era.last else "",
            },
            "day_outside_era",
        )
    if result < GREGORIAN_FROM:
        raise WarekiError(_("明治6年（1873年）より前の日付は扱えません。"), "before_gregorian")
    return result


def western(year: int, month: int, day: int) -> date:
    """A western date (any year Python knows: whether it is plausible is the caller's rule)."""
    try:
        return date(year, month, day)
    except ValueError:
        raise WarekiError(
            _("その日付はありません。月と日を確かめてください。"), "no_such_day"
        ) from None


_SEP = r"\s*(?:[年月./\-]|\s)\s*"
_ERA_DATE = re.compile(
    rf"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})\s*日?$"
)
_WESTERN_DATE = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})\s*日?$")


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), letters upper case, spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def parse(text: str) -> date:
    """A date typed as 和暦 (「昭和16年3月5日」「S16.3.5」) or western (「1941-03-05」)."""
    value = normalise(text)
    m = _ERA_DATE.match(value)
    if m:
        era = _ERA_BY_WORD[m.group(1)]
        year = 1 if m.group(2) == "元" else int(m.group(2))
        return from_wareki(era.key, year, int(m.group(3)), int(m.group(4)))
    m = _WESTERN_DATE.match(value)
    if m:
        return western(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise WarekiError(
        _(
            "日付として読めません。「昭和16年3月5日」「S16.3.5」「1941-03-05」のように入れてください。"
        ),
        "unreadable",
    )


def age_on(birth: date, today: date) -> int:
    """Whole years from ``birth`` to ``today`` (0 before the first birthday)."""
    had_birthday = (today.month, today.day) >= (birth.month, birth.day)
    return max(today.year - birth.year - (0 if had_birthday else 1), 0)


def birth_date_label(value: date, *, today: date | None = None) -> str:
    """「昭和16年3月5日（85歳）」 in Japanese, 「March 5, 1941 (Shōwa 16) (age 85)」 in English;
    the age as of ``today`` (Tokyo)."""
    today = today or timezone.localdate()
    try:
        if (translation.get_language() or "ja").startswith("ja"):
            shown = format_wareki(value)
        else:
            shown = f"{date_format(value, 'DATE_FORMAT')} ({format_era_year_en(value)})"
    except WarekiError:  # before 1873: no era date to show
        shown = value.isoformat()
    return gettext("%(date)s（%(age)s歳）") % {"date": shown, "age": age_on(value, today)}
