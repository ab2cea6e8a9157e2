"""``reminder_schedule(fresh=True)``: a key the caller knows is new is inserted at once
(decision 0026); it is still one reminder, sent once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reminders.models import Reminder
from reminders.services import notify, reminder_schedule, reminders_send_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_fresh_key_is_one_insert_and_the_same_row_as_before() -> None:
    user = UserFactory()
    with CaptureQueriesContext(connection) as ctx:
        fresh = notify(recipient=user, key="fresh-1", subject="受け付けました", fresh=True)
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
    usual = notify(recipient=user, key="usual-1", subject="受け付けました")
    for field in ("kind", "recipient_id", "subject", "status", "send_email", "url"):
        assert getattr(fresh, field) == getattr(usual, field), field
    assert fresh.message_id and fresh.message_id != usual.message_id
    assert reminders_send_due() == 2
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2


def test_a_fresh_key_that_exists_after_all_fails_the_transaction_and_sends_nothing_twice() -> None:
    user = UserFactory()
    notify(recipient=user, key="dup", subject="一度だけ")
    with pytest.raises(IntegrityError), transaction.atomic():
        reminder_schedule(
            kind="notice",
            key="dup",
            due_at=timezone.now(),
            subject="二度目",
            body="",
            recipient=user,
            fresh=True,
        )
    assert list(Reminder.objects.values_list("subject", flat=True)) == ["一度だけ"]
