"""Helpers the case services share: date checks, reminder times, and telling an agency's staff."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from reminders.services import reminder_schedule

from ..models import (
    validate_case_date,
    validate_date_entered,
)
from ..policies import handling_staff


def _check_date_entered(
    value: date | None, *, kind: str, field: str, label: Any, today: date | None = None
) -> None:
    """A date being entered lies in its window (``conf.DATE_WINDOWS[kind]``), else a
    ValidationError on ``field`` whose message names the field: the views show it alone."""
    if value is None:
        return
    try:
        validate_date_entered(value, kind=kind, label=label, today=today)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def _morning_before(day: date) -> datetime:
    """9:00 the day before ``day``: a reminder's due time. A date out of the models' range is a
    ValidationError here (never an OverflowError from the date arithmetic)."""
    validate_case_date(day)
    return timezone.make_aware(datetime.combine(day - timedelta(days=1), time(9, 0)))


def _tell_agency_staff(
    agency_id: Any,
    *,
    key: str,
    subject: Any,
    body: Any,
    url: str,
    about: Model | None = None,
    kind: str = "notice",
    due_at: datetime | None = None,
) -> None:
    """One notice (now) or reminder (at ``due_at``) for each person who handles the agency's
    cases. ``key`` holds ``{user}``, replaced by each person's id, so each is sent once and all
    of one thing's are cancelled by the part before it. Texts carry numbers and dates, never
    personal data: they are emailed."""
    for user in handling_staff(agency_id):
        reminder_schedule(
            kind=kind,
            key=key.format(user=user.pk),
            due_at=due_at or timezone.now(),
            subject=str(subject),
            body=str(body),
            recipient=user,
            url=url,
            about=about,
        )
