"""Issue 12, defect 1: a moved session keeps its old reminders.

Registrant reminder keys used to carry the start time in whatever time zone the datetime had
(Tokyo when a form scheduled them, UTC when a row read back from the database cancelled them),
so a cancellation missed what a scheduling had made. Keys now carry no local time and every
cancellation goes by key prefix; these tests drive the services the way the forms do (times
in Tokyo) and look at what is left pending.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from directory.fiscal import TOKYO
from reminders.models import Notification, Reminder
from reminders.services import reminders_send_due
from sessions.services import (
    registration_cancel,
    registration_create,
    session_cancel,
    session_update,
)
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

REGISTRANT = "future_session.registrant"


def _tokyo(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TOKYO)


def _pending(user: Any) -> list[Reminder]:
    return list(
        Reminder.objects.filter(kind=REGISTRANT, recipient=user, status=Reminder.Status.PENDING)
    )


def _move(session: Any, by: Any, start: datetime) -> None:
    session_update(session=session, by=by, starts_at=start, ends_at=start + timedelta(hours=2))


def _edit(session: Any, by: Any, **fields: Any) -> None:
    """An edit as the form sends it: every field, the unchanged times in Tokyo."""
    session.refresh_from_db()
    session_update(
        session=session,
        by=by,
        starts_at=timezone.localtime(session.starts_at),
        ends_at=timezone.localtime(session.ends_at),
        **fields,
    )


@pytest.fixture
def ten_oclock(coordinator: Any) -> Any:
    start = _tokyo(10, 10)
    return SessionFactory(by=coordinator, starts_at=start)


def test_a_session_moved_from_ten_to_one_keeps_no_reminder_for_ten(
    ten_oclock: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=ten_oclock, user=resident)
    # Any edit from the form (times in Tokyo) reschedules the registrants' reminders.
    _edit(ten_oclock, coordinator, description="持ち物はありません")
    new_start = _tokyo(10, 13)
    _move(ten_oclock, coordinator, new_start)

    pending = _pending(resident)
    assert sorted(r.due_at for r in pending) == [
        new_start - timedelta(hours=48),
        new_start - timedelta(hours=2),
    ]
    assert not [r for r in pending if "10:00" in r.body]


def test_a_session_moved_twice_keeps_one_set(
    ten_oclock: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=ten_oclock, user=resident)
    _move(ten_oclock, coordinator, _tokyo(10, 13))
    last = _tokyo(11, 15)
    _move(ten_oclock, coordinator, last)

    pending = _pending(resident)
    assert sorted(r.due_at for r in pending) == [
        last - timedelta(hours=48),
        last - timedelta(hours=2),
    ]


def test_an_edit_that_does_not_move_the_session_keeps_one_set(
    ten_oclock: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=ten_oclock, user=resident)
    _edit(ten_oclock, coordinator, title="居場所づくりを考える")
    assert len(_pending(resident)) == 2


def test_the_reminder_that_goes_out_says_the_new_time(
    ten_oclock: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=ten_oclock, user=resident)
    _edit(ten_oclock, coordinator, description="持ち物はありません")
    new_start = _tokyo(10, 13)
    _move(ten_oclock, coordinator, new_start)
    reminders_send_due(now=new_start - timedelta(hours=47), time_budget=5)

    bodies = list(
        Notification.objects.filter(recipient=resident, reminder__kind=REGISTRANT).values_list(
            "body", flat=True
        )
    )
    assert len(bodies) == 1
    assert "13:00" in bodies[0]
    assert "10:00" not in bodies[0]


def test_cancelling_the_registration_after_an_edit_cancels_every_reminder(
    ten_oclock: Any, coordinator: Any, resident: Any
) -> None:
    registration = registration_create(session=ten_oclock, user=resident)
    _edit(ten_oclock, coordinator, description="持ち物はありません")
    registration_cancel(registration=registration, by=resident)
    assert _pending(resident) == []


def test_cancelling_the_session_after_a_move_cancels_every_reminder(
    ten_oclock: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=ten_oclock, user=resident)
    _move(ten_oclock, coordinator, _tokyo(10, 13))
    session_cancel(session=ten_oclock, by=coordinator)
    assert _pending(resident) == []


def test_registrant_keys_carry_no_local_time(ten_oclock: Any, resident: Any) -> None:
    registration_create(session=ten_oclock, user=resident)
    keys = [r.idempotency_key for r in _pending(resident)]
    assert keys
    assert all(":1000" not in k and "T1000" not in k for k in keys)  # 10:00 Tokyo
    assert all(k.endswith("0100Z") for k in keys)  # 01:00 UTC


def test_reminders_with_old_keys_are_rekeyed_or_cancelled(ten_oclock: Any, resident: Any) -> None:
    """Pending reminders stored before the fix: those for the session's time get the new
    key, those for a time it no longer has are cancelled."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("sessions.migrations.0004_registrant_reminder_keys_in_utc")
    registration = registration_create(session=ten_oclock, user=resident)
    Reminder.objects.filter(kind=REGISTRANT).delete()
    base = f"session:{ten_oclock.pk}:registration:{registration.pk}:"
    ten = _tokyo(10, 10)
    current = Reminder.objects.create(
        kind=REGISTRANT,
        idempotency_key=f"{base}48h:{ten:%Y%m%d%H%M}",
        due_at=ten - timedelta(hours=48),
        subject="もうすぐ",
        recipient=resident,
    )
    duplicate = Reminder.objects.create(
        kind=REGISTRANT,
        idempotency_key=f"{base}48h:{ten.astimezone(UTC):%Y%m%d%H%M}",
        due_at=ten - timedelta(hours=48),
        subject="もうすぐ",
        recipient=resident,
    )
    stale = Reminder.objects.create(
        kind=REGISTRANT,
        idempotency_key=f"{base}2h:{ten:%Y%m%d}0800",
        due_at=ten - timedelta(hours=4),
        subject="もうすぐ",
        recipient=resident,
    )

    migration.rekey_registrant_reminders(apps, None)

    current.refresh_from_db()
    duplicate.refresh_from_db()
    stale.refresh_from_db()
    assert current.idempotency_key == f"{base}reminder:48h:{ten.astimezone(UTC):%Y%m%dT%H%M}Z"
    assert current.status == Reminder.Status.PENDING
    assert duplicate.status == Reminder.Status.CANCELLED
    assert stale.status == Reminder.Status.CANCELLED


def _cancel_statements(session: Any, by: Any, registrants: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    for n in range(registrants):
        registration_create(session=session, user=UserFactory(email=f"r{n}-{session.pk}@ex.jp"))
    with CaptureQueriesContext(connection) as ctx:
        session_cancel(session=session, by=by)
    return sum(
        1
        for q in ctx.captured_queries
        if q["sql"].startswith("UPDATE") and "reminders_reminder" in q["sql"]
    )


def test_cancelling_a_session_cancels_its_reminders_in_one_statement(coordinator: Any) -> None:
    """Not one UPDATE per registrant: the prefixes go to the database together."""
    few = _cancel_statements(SessionFactory(by=coordinator, capacity=40), coordinator, 2)
    many = _cancel_statements(SessionFactory(by=coordinator, capacity=40), coordinator, 12)
    assert few == many
