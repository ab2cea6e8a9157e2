"""Tunables for future sessions. Override them in the settings module or the environment."""

from __future__ import annotations

import os

from django.conf import settings


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
