"""Helpers the case services share: date checks and reminder times."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import (
    validate_case_date,
    validate_date_entered,
)


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
