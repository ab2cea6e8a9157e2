"""Tunables for consultations. Read from settings when present, else these defaults."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings

# Tunables a deployment may set (``CONSULTATIONS_<NAME>`` in settings). They are read from
# settings each time they are used — ``conf.SHEET_STALE_DAYS`` goes through ``__getattr__``
# below — so ``override_settings`` in a test and a changed setting take effect at once.
# (Model and form field limits are still fixed when those classes are defined.)
_SETTINGS: dict[str, tuple[str, Any]] = {
    # Business days a receiving agency has to accept a sheet, by urgency (0 = the same day).
    "SHEET_DEADLINE_BUSINESS_DAYS": (
        "CONSULTATIONS_SHEET_DEADLINE_BUSINESS_DAYS",
        {"urgent": 0, "high": 1, "normal": 3},
    ),
    # Hours before the deadline that the receiving agency is reminded.
    "SHEET_REMINDER_HOURS_BEFORE": ("CONSULTATIONS_SHEET_REMINDER_HOURS", 3),
    # A received hand-over with no movement for this many business days is stale (the city's
    # overdue board, the staff "today" page): ``selectors.late_sheets``.
    "SHEET_STALE_DAYS": ("CONSULTATIONS_SHEET_STALE_DAYS", 10),
    # Whether 12/29–1/3 (年末年始, when public offices close) is left out of business days
    # (``deadlines.is_business_day``), besides weekends and national holidays.
    "YEAR_END_CLOSED": ("CONSULTATIONS_YEAR_END_CLOSED", True),
    # Longest narrative accepted at intake (characters).
    "NARRATIVE_MAX_LENGTH": ("CONSULTATIONS_NARRATIVE_MAX_LENGTH", 4000),
    # Closed consultations are anonymised this many months after closing.
    "RETENTION_MONTHS": ("CONSULTATIONS_RETENTION_MONTHS", 60),
    # Outreach cases that never reach consent are anonymised after this many months.
    "OUTREACH_ANONYMISE_MONTHS": ("CONSULTATIONS_OUTREACH_ANONYMISE_MONTHS", 12),
    # External conference participants can read the materials for this many days after the date.
    "CONFERENCE_EXTERNAL_ACCESS_DAYS": ("CONSULTATIONS_CONFERENCE_EXTERNAL_ACCESS_DAYS", 30),
}

if TYPE_CHECKING:
    SHEET_DEADLINE_BUSINESS_DAYS: dict[str, int]
    SHEET_REMINDER_HOURS_BEFORE: int
    SHEET_STALE_DAYS: int
    YEAR_END_CLOSED: bool
    NARRATIVE_MAX_LENGTH: int
    RETENTION_MONTHS: int
    OUTREACH_ANONYMISE_MONTHS: int
    CONFERENCE_EXTERNAL_ACCESS_DAYS: int
    DATE_WINDOWS: dict[str, tuple[int, int]]

PAGE_SIZE = 25
# The inbox's counts by state are badges: each is counted up to this many and then says 「99+」
# (a finished state grows without end; reading it whole was most of the inbox's database time).
STATE_COUNT_CAP = 99

# Dates a case record may hold at all (checked by the models' validators, inclusive): every date
# in this range is safe for the database, date arithmetic and the reminders computed from it
# (reminders take 2000–2099). A task due in year 1 once answered 500 after its morning-before
# reminder overflowed (issue 11).
CASE_DATE_EARLIEST = date(2000, 1, 1)
CASE_DATE_LATEST = date(2099, 12, 31)
# Birth dates: residents born in 大正 and early 昭和 still come to the counter; never in the future.
BIRTH_DATE_EARLIEST = date(1900, 1, 1)
# Dates being entered, as (days back, days ahead) from today: a typed-in year typo is caught
# while it is typed. Dates already stored are not checked again when a record is edited.
_DATE_WINDOWS: dict[str, tuple[int, int]] = {
    # A consent recorded today runs from today, for at most five years.
    "consent_expiry": (0, 5 * 366),
    # Conferences are recorded up to two years afterwards, or planned a year ahead.
    "conference": (2 * 366, 366),
    # Review dates and task deadlines: from today to three years ahead.
    "review": (0, 3 * 366),
    "task_due": (0, 3 * 366),
    # Contacts and visits happened: within the last year, never in the future.
    "contact": (366, 0),
}
# The longest interval between two outreach contacts, in days (at least one).
OUTREACH_RHYTHM_DAYS_MAX = 365


def __getattr__(name: str) -> Any:
    """A tunable, read from settings now (PEP 562: only names not defined above get here)."""
    if name == "DATE_WINDOWS":
        return {**_DATE_WINDOWS, **getattr(settings, "CONSULTATIONS_DATE_WINDOWS", {})}
    if name in _SETTINGS:
        setting, default = _SETTINGS[name]
        return getattr(settings, setting, default)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
