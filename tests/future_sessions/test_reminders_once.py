from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from reminders.models import Notification
from reminders.services import reminders_send_due
from sessions.services import outcome_record, registration_create

pytestmark = pytest.mark.django_db


def test_registrant_and_organizer_reminders_go_out_exactly_once(
    future_session: Any, resident: Any, coordinator: Any
) -> None:
    registration_create(session=future_session, user=resident)
    # The confirmation (with its calendar invitation) is due at once.
    assert reminders_send_due(time_budget=5) == 1
    mail.outbox = []
    two_days_before = future_session.starts_at - timedelta(hours=47)
    assert reminders_send_due(now=two_days_before, time_budget=5) == 1
    assert reminders_send_due(now=two_days_before, time_budget=5) == 0
    after_start = future_session.starts_at + timedelta(minutes=1)
    assert reminders_send_due(now=after_start, time_budget=5) == 1  # the 2-hour one
    assert (
        Notification.objects.filter(recipient=resident, subject__contains="もうすぐ").count() == 2
    )
    assert len(mail.outbox) == 2
    after_end = future_session.ends_at + timedelta(hours=3)
    assert reminders_send_due(now=after_end, time_budget=5) == 1
    assert (
        Notification.objects.filter(recipient=coordinator, subject__contains="開催結果").count()
        == 1
    )
    assert reminders_send_due(now=after_end, time_budget=5) == 0


def test_recording_the_outcome_in_time_cancels_the_organizer_reminder(
    coordinator: Any, resident: Any
) -> None:
    from django.utils import timezone

    from tests.factories import SessionFactory

    start = timezone.now() - timedelta(hours=1)
    session = SessionFactory(by=coordinator, starts_at=start, ends_at=start + timedelta(minutes=50))
    outcome_record(session=session, by=coordinator, summary="よい対話でした", participant_count=8)
    assert reminders_send_due(now=session.ends_at + timedelta(days=1), time_budget=5) == 0


def test_editing_a_session_after_its_outcome_does_not_ask_for_the_outcome_again(
    coordinator: Any,
) -> None:
    from django.utils import timezone

    from sessions.services import session_update
    from tests.factories import SessionFactory

    start = timezone.now() - timedelta(hours=1)
    session = SessionFactory(by=coordinator, starts_at=start, ends_at=start + timedelta(minutes=50))
    outcome_record(session=session, by=coordinator, summary="よい対話でした", participant_count=8)
    session_update(session=session, by=coordinator, description="写真を追加しました")
    assert reminders_send_due(now=session.ends_at + timedelta(days=1), time_budget=5) == 0
