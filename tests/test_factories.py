"""The factories make things the way the portal does (tests/factories/__init__.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from consultations.models import SheetStatus
from reminders.models import Reminder
from tests.factories import IdeaFactory, MeasurementFactory, SessionFactory, SheetFactory

pytestmark = pytest.mark.django_db


def test_a_service_factory_refuses_to_build_an_unsaved_row() -> None:
    with pytest.raises(TypeError, match="through the service"):
        IdeaFactory.build()


def test_a_sheet_is_moved_by_the_sender_then_the_receiver(role_users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    moves = list(sheet.history.order_by("pk").values_list("to_status", "by"))
    assert sheet.status == SheetStatus.RECEIVED
    assert moves[-2:] == [
        (SheetStatus.SENT, role_users["staff_elderly"].pk),
        (SheetStatus.RECEIVED, role_users["staff_disability"].pk),
    ]


def test_an_idea_and_a_session_have_what_their_services_give_them(
    role_users: dict[str, Any],
) -> None:
    idea = IdeaFactory()
    assert idea.events.exists()  # the history idea_create writes
    coordinator = role_users["coordinator"]
    start = timezone.now() + timedelta(days=3)
    session = SessionFactory(by=coordinator, starts_at=start)
    assert session.ends_at == start + timedelta(hours=2)
    assert Reminder.objects.filter(
        kind="future_session.outcome", recipient=coordinator, status=Reminder.Status.PENDING
    ).exists()


def test_a_measurement_is_published_through_the_transition(role_users: dict[str, Any]) -> None:
    measurement = MeasurementFactory(status="published")
    assert measurement.status == "published"
    assert measurement.published_at is not None
