"""Helpers the case services share: date checks, reminder times, the staff to tell."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import Membership, Organization, Role

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


def _receiver_staff(receiver_id: int) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=receiver_id, role=Role.CONSULTATION_STAFF, is_active=True
        ).select_related("user")
    ]


def _city_staff() -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.CITY_STAFF,
            is_active=True,
            organization__kind=Organization.Kind.CITY_DEPARTMENT,
        ).select_related("user")
    ]


def _agency_staff(organization_id: int) -> list[Any]:
    return _receiver_staff(organization_id)


def _morning_before(day: date) -> datetime:
    """9:00 the day before ``day``: a reminder's due time. A date out of the models' range is a
    ValidationError here (never an OverflowError from the date arithmetic)."""
    validate_case_date(day)
    return timezone.make_aware(datetime.combine(day - timedelta(days=1), time(9, 0)))
