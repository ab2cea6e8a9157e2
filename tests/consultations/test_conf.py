"""Consultations' tunables are read from settings when used, so ``override_settings`` (and a
deployment's changed setting) takes effect without a restart (issue 12)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import timezone

from consultations import conf
from consultations.deadlines import deadline_for
from consultations.models import date_window

FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_the_deadline_follows_the_setting_in_force() -> None:
    normal = timezone.localtime(deadline_for(FRIDAY, "normal")).date()
    with override_settings(CONSULTATIONS_SHEET_DEADLINE_BUSINESS_DAYS={"normal": 0}):
        assert timezone.localtime(deadline_for(FRIDAY, "normal")).date() == date(2026, 11, 20)
    assert timezone.localtime(deadline_for(FRIDAY, "normal")).date() == normal != date(2026, 11, 20)


def test_each_tunable_reads_its_setting_now() -> None:
    with override_settings(
        CONSULTATIONS_SHEET_STALE_DAYS=3,
        CONSULTATIONS_SHEET_REMINDER_HOURS=5,
        CONSULTATIONS_RETENTION_MONTHS=7,
        CONSULTATIONS_OUTREACH_ANONYMISE_MONTHS=2,
        CONSULTATIONS_CONFERENCE_EXTERNAL_ACCESS_DAYS=9,
    ):
        assert conf.SHEET_STALE_DAYS == 3
        assert conf.SHEET_REMINDER_HOURS_BEFORE == 5
        assert conf.RETENTION_MONTHS == 7
        assert conf.OUTREACH_ANONYMISE_MONTHS == 2
        assert conf.CONFERENCE_EXTERNAL_ACCESS_DAYS == 9
    assert conf.SHEET_STALE_DAYS == 10


def test_a_date_window_set_in_settings_applies_while_it_is_set() -> None:
    today = date(2026, 11, 20)
    with override_settings(CONSULTATIONS_DATE_WINDOWS={"contact": (10, 0)}):
        earliest, _latest = date_window("contact", today=today)
        assert earliest == today - timedelta(days=10)
    earliest, _latest = date_window("contact", today=today)
    assert earliest == today - timedelta(days=366)
