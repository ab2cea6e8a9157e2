"""Settings are read when used (issue 12): ``sessions/conf.py`` once read them at import, so
``override_settings`` was silently ignored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings

from reminders.models import Reminder
from sessions import conf
from sessions.services import registration_create

pytestmark = pytest.mark.django_db


def test_every_tunable_follows_override_settings() -> None:
    with override_settings(
        FUTURE_SESSION_REMINDER_HOURS=(24,),
        FUTURE_SESSION_OUTCOME_REMINDER_AFTER_HOURS=5,
        FUTURE_SESSION_INVITATION_REMINDER_AFTER_DAYS=3,
        FUTURE_SESSION_INVITATION_MAX_AGE_DAYS=7,
        FUTURE_SESSION_ACTION_REMINDER_DAYS_BEFORE=9,
        FUTURE_SESSION_DAYS_BACK=10,
        FUTURE_SESSION_YEARS_AHEAD=2,
        FUTURE_SESSION_MAX_DAYS=1,
    ):
        assert conf.REGISTRANT_REMINDER_HOURS == (24,)
        assert conf.OUTCOME_REMINDER_AFTER_HOURS == 5
        assert conf.INVITATION_REMINDER_AFTER_DAYS == 3
        assert conf.INVITATION_MAX_AGE_DAYS == 7
        assert conf.ACTION_REMINDER_DAYS_BEFORE == 9
        assert conf.SESSION_DAYS_BACK == 10
        assert conf.SESSION_YEARS_AHEAD == 2
        assert conf.SESSION_MAX_DAYS == 1
    assert conf.REGISTRANT_REMINDER_HOURS == (48, 2)
    with pytest.raises(AttributeError):
        conf.NO_SUCH_SETTING  # noqa: B018


def test_registrants_are_reminded_at_the_hours_in_the_settings(
    future_session: Any, resident: Any
) -> None:
    with override_settings(FUTURE_SESSION_REMINDER_HOURS=(24,)):
        registration_create(session=future_session, user=resident)
    due = list(
        Reminder.objects.filter(kind="future_session.registrant", recipient=resident).values_list(
            "due_at", flat=True
        )
    )
    assert due == [future_session.starts_at - timedelta(hours=24)]
