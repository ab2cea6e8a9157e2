"""A reminder that no longer applies when it comes due is cancelled, not sent.

The app that owns a kind registers a "still applies?" check (``reminder_kind_check``); the
sender asks it under the row lock, just before delivering. The reminders app itself knows
nothing of what the check reads.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from reminders import services
from reminders.models import Notification, Reminder
from reminders.services import reminder_kind_check, reminder_schedule, reminders_send_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # Checks registered here do not outlive the test; the apps' own stay in place.
    monkeypatch.setattr(services, "_still_applies", dict(services._still_applies))


def _due(kind: str, key: str) -> Reminder:
    return reminder_schedule(
        kind=kind,
        key=key,
        due_at=timezone.now() - timedelta(minutes=1),
        subject=f"お知らせ {key}",
        body="本文",
        recipient=UserFactory(),
    )


def test_a_due_reminder_its_check_refuses_is_cancelled_and_never_delivered() -> None:
    asked: list[str] = []

    def applies(reminder: Reminder) -> bool:
        asked.append(reminder.idempotency_key)
        return reminder.idempotency_key == "still"

    reminder_kind_check("test.checked", applies)
    stale = _due("test.checked", "stale")
    still = _due("test.checked", "still")
    unchecked = _due("test.other", "unchecked")

    assert reminders_send_due() == 2
    assert sorted(asked) == ["stale", "still"]
    statuses = dict(Reminder.objects.values_list("idempotency_key", "status"))
    assert statuses == {
        "stale": Reminder.Status.CANCELLED,
        "still": Reminder.Status.SENT,
        "unchecked": Reminder.Status.SENT,
    }
    assert not Notification.objects.filter(reminder=stale).exists()
    assert Notification.objects.filter(reminder__in=[still, unchecked]).count() == 2
    assert sorted(m.subject.split()[-1] for m in mail.outbox) == ["still", "unchecked"]
    # A cancelled reminder is not tried again.
    assert reminders_send_due(now=timezone.now() + timedelta(days=1)) == 0


def test_a_check_that_fails_is_a_failed_attempt_retried_later() -> None:
    def broken(reminder: Reminder) -> bool:
        raise RuntimeError("the check could not read its object")

    reminder_kind_check("test.broken", broken)
    reminder = _due("test.broken", "broken")
    other = _due("test.other", "other")
    assert reminders_send_due() == 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING and reminder.attempts == 1
    assert "could not read its object" in reminder.last_error
    assert not Notification.objects.filter(reminder=reminder).exists()
    assert Notification.objects.filter(reminder=other).exists()


def test_the_consultations_app_registers_its_deadline_checks() -> None:
    """Registered from the owning app's ready(): the reminders app imports no app."""
    registered: dict[str, Any] = services._still_applies
    assert {"consultations.sheet_deadline", "consultations.sheet_escalation"} <= set(registered)
