"""Tunables for future sessions. Override them in the settings module or the environment."""

from __future__ import annotations

import os
from datetime import datetime

from django.conf import settings

from directory.fiscal import TOKYO


def _hours(value: str) -> tuple[int, ...]:
    return tuple(int(v) for v in value.split(",") if v.strip())


# Hours before the start when registrants are reminded (default: 2 days and 2 hours).
REGISTRANT_REMINDER_HOURS: tuple[int, ...] = tuple(
    getattr(
        settings,
        "FUTURE_SESSION_REMINDER_HOURS",
        _hours(os.environ.get("FUTURE_SESSION_REMINDER_HOURS", "48,2")),
    )
)
# Hours after the end when the organizer is asked to record the outcome.
OUTCOME_REMINDER_AFTER_HOURS: int = int(
    getattr(settings, "FUTURE_SESSION_OUTCOME_REMINDER_AFTER_HOURS", 2)
)
# Days after the invitation when a non-responder gets their one reminder (never later than
# two days before the session).
INVITATION_REMINDER_AFTER_DAYS: int = int(
    getattr(settings, "FUTURE_SESSION_INVITATION_REMINDER_AFTER_DAYS", 5)
)
# How long an invitation link works, in days.
INVITATION_MAX_AGE_DAYS: int = int(getattr(settings, "FUTURE_SESSION_INVITATION_MAX_AGE_DAYS", 60))
# Days before a district meeting when action owners are asked to update their actions.
ACTION_REMINDER_DAYS_BEFORE: int = int(
    getattr(settings, "FUTURE_SESSION_ACTION_REMINDER_DAYS_BEFORE", 14)
)
CALENDAR_PAGE_SIZE = 20

# Dates a session may have at all (checked by the model): every date in this range is safe for
# the database, the time-zone maths and the reminders computed from it. One row starting in
# year 1 once stopped every reminder (issue 11); the month calendar shows the same years.
SESSION_EARLIEST = datetime(2000, 1, 1, tzinfo=TOKYO)
SESSION_LATEST = datetime(2100, 1, 1, tzinfo=TOKYO)
# Dates being entered (a new session, or a session moved): from this many days back (a session
# recorded after it took place) to this many years ahead (the plan's horizon, with room).
SESSION_DAYS_BACK: int = int(getattr(settings, "FUTURE_SESSION_DAYS_BACK", 366))
SESSION_YEARS_AHEAD: int = int(getattr(settings, "FUTURE_SESSION_YEARS_AHEAD", 5))
# The longest a session may last: a longer one is a typo in the end date, and would stay
# "upcoming" in the calendar until it ends.
SESSION_MAX_DAYS: int = int(getattr(settings, "FUTURE_SESSION_MAX_DAYS", 7))
# Upper bounds of the numbers typed into session forms (the database takes much larger ones on
# SQLite than on PostgreSQL; these are the same everywhere).
CAPACITY_MAX = 10_000
PARTICIPANT_COUNT_MAX = 100_000
