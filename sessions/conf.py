"""Tunables for future sessions. Override them in the settings module or the environment.

The tunables are read from the settings each time they are used (``conf.NAME`` goes through
the module's ``__getattr__``), so ``override_settings`` in a test and a changed setting take
effect; fixed limits are plain constants.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings

from directory.fiscal import TOKYO
from machida_portal.tunables import read_when_used


def _hours(value: str) -> tuple[int, ...]:
    return tuple(int(v) for v in value.split(",") if v.strip())


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


_TUNABLES: dict[str, Callable[[], Any]] = {
    # Hours before the start when registrants are reminded (default: 2 days and 2 hours).
    "REGISTRANT_REMINDER_HOURS": lambda: tuple(
        _setting(
            "FUTURE_SESSION_REMINDER_HOURS",
            _hours(os.environ.get("FUTURE_SESSION_REMINDER_HOURS", "48,2")),
        )
    ),
    # Hours after the end when the organizer is asked to record the outcome.
    "OUTCOME_REMINDER_AFTER_HOURS": lambda: int(
        _setting("FUTURE_SESSION_OUTCOME_REMINDER_AFTER_HOURS", 2)
    ),
    # Days after the invitation when a non-responder gets their one reminder (never later
    # than two days before the session).
    "INVITATION_REMINDER_AFTER_DAYS": lambda: int(
        _setting("FUTURE_SESSION_INVITATION_REMINDER_AFTER_DAYS", 5)
    ),
    # How long an invitation link works, in days.
    "INVITATION_MAX_AGE_DAYS": lambda: int(_setting("FUTURE_SESSION_INVITATION_MAX_AGE_DAYS", 60)),
    # Days before a district meeting when action owners are asked to update their actions.
    "ACTION_REMINDER_DAYS_BEFORE": lambda: int(
        _setting("FUTURE_SESSION_ACTION_REMINDER_DAYS_BEFORE", 14)
    ),
    # Dates being entered (a new session, or a session moved): from this many days back (a
    # session recorded after it took place) to this many years ahead (the plan's horizon).
    "SESSION_DAYS_BACK": lambda: int(_setting("FUTURE_SESSION_DAYS_BACK", 366)),
    "SESSION_YEARS_AHEAD": lambda: int(_setting("FUTURE_SESSION_YEARS_AHEAD", 5)),
    # The longest a session may last: a longer one is a typo in the end date, and would stay
    # "upcoming" in the calendar until it ends.
    "SESSION_MAX_DAYS": lambda: int(_setting("FUTURE_SESSION_MAX_DAYS", 7)),
    # The ORGANIZER of every calendar object: the office that runs the sessions, as
    # "Name <address>". Default: 町田市 地域福祉推進課 at the address of DEFAULT_FROM_EMAIL.
    "CALENDAR_ORGANIZER": lambda: _setting(
        "PORTAL_CALENDAR_ORGANIZER",
        f"町田市 地域福祉推進課 <{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}>",
    ),
    # How often calendar programs should fetch a subscribed feed again, in minutes
    # (REFRESH-INTERVAL and X-PUBLISHED-TTL).
    "FEED_REFRESH_MINUTES": lambda: int(_setting("FUTURE_SESSION_FEED_REFRESH_MINUTES", 60)),
}

if TYPE_CHECKING:
    REGISTRANT_REMINDER_HOURS: tuple[int, ...]
    OUTCOME_REMINDER_AFTER_HOURS: int
    INVITATION_REMINDER_AFTER_DAYS: int
    INVITATION_MAX_AGE_DAYS: int
    ACTION_REMINDER_DAYS_BEFORE: int
    SESSION_DAYS_BACK: int
    SESSION_YEARS_AHEAD: int
    SESSION_MAX_DAYS: int
    CALENDAR_ORGANIZER: str
    FEED_REFRESH_MINUTES: int


__getattr__ = read_when_used(_TUNABLES, __name__)


CALENDAR_PAGE_SIZE = 20

# Dates a session may have at all (checked by the model): every date in this range is safe for
# the database, the time-zone maths and the reminders computed from it. One row starting in
# year 1 once stopped every reminder (issue 11); the month calendar shows the same years.
SESSION_EARLIEST = datetime(2000, 1, 1, tzinfo=TOKYO)
SESSION_LATEST = datetime(2100, 1, 1, tzinfo=TOKYO)
# Upper bounds of the numbers typed into session forms (the database takes much larger ones on
# SQLite than on PostgreSQL; these are the same everywhere).
CAPACITY_MAX = 10_000
PARTICIPANT_COUNT_MAX = 100_000
