"""Issue 11, finding 3: one bad row never stops the reminders.

A reminder that cannot be read, built or sent is recorded as failed (with its error) in a
savepoint of its own, retried with a growing delay up to a limit, then given up where the admin
and /healthz show it; every other due reminder goes out in the same run. In the embedded
default (eager Celery, no beat) a failure of the send that follows a commit never turns the
committed action into a 500.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reminders.models import Notification, Reminder
from reminders.services import (
    MAX_ATTEMPTS,
    RETRY_LONGEST_DELAY,
    reminder_schedule,
    reminders_send_due,
)
from tests.factories import ReminderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _due(user: Any, key: str, subject: str = "お知らせ", minutes: int = -1) -> Reminder:
    return ReminderFactory(recipient=user, key=key, subject=subject, minutes=minutes)


def _status(pk: int) -> tuple[str, int, str]:
    # Through values_list: a row with an unreadable due time cannot be loaded as a model.
    return Reminder.objects.filter(pk=pk).values_list("status", "attempts", "last_error").get()


def _break_due_time(reminder: Reminder) -> None:
    """What the probe's session left behind: year 1 in Tokyo time is stored as 1 BC."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reminders_reminder SET due_at = '0001-01-01 00:00:00+09' WHERE id = %s",
            [reminder.pk],
        )


def _fail_for(subject: str, monkeypatch: Any) -> None:
    """Sending an email whose subject contains ``subject`` fails; the others go out."""
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def send(self: EmailMessage, *args: Any, **kwargs: Any) -> int:
        if subject in self.subject:
            raise ConnectionError("SMTP refused the message")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)


@pytest.mark.parametrize(
    "due_at",
    [
        datetime(1, 1, 2, tzinfo=UTC),
        datetime(1999, 12, 31, 23, tzinfo=UTC),
        datetime(2100, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, tzinfo=UTC),
    ],
)
def test_a_due_time_out_of_range_is_refused_and_not_stored(due_at: datetime) -> None:
    with pytest.raises(ValidationError):
        reminder_schedule(
            kind="test", key="far", due_at=due_at, subject="s", body="b", recipient=UserFactory()
        )
    assert not Reminder.objects.exists()


def test_the_model_refuses_a_due_time_out_of_range() -> None:
    reminder = Reminder(
        kind="test",
        idempotency_key="model",
        due_at=datetime(1, 1, 2, tzinfo=UTC),
        subject="s",
        body="b",
        recipient_email="someone@example.jp",
    )
    with pytest.raises(ValidationError) as caught:
        reminder.full_clean()
    assert "due_at" in caught.value.message_dict


def test_an_unreadable_row_is_given_up_and_every_other_reminder_goes_out(
    postgres: None,
) -> None:
    users = [UserFactory() for _ in range(3)]
    good = [_due(user, key=f"good-{i}") for i, user in enumerate(users)]
    bad = _due(users[0], key="bad")
    _break_due_time(bad)
    # The bad row sorts first (the oldest due time); it used to fail every run.
    assert reminders_send_due() == 3
    assert len(mail.outbox) == 3
    assert {r.status for r in Reminder.objects.filter(pk__in=[g.pk for g in good])} == {"sent"}
    status, attempts, error = _status(bad.pk)
    assert status == Reminder.Status.FAILED and attempts == 1
    assert "DataError" in error and "BC" in error
    # Given up with a readable due time: the admin and /healthz can show it now.
    assert Reminder.objects.get(pk=bad.pk).due_at <= timezone.now()
    assert reminders_send_due() == 0


def test_a_database_error_while_building_one_reminder_does_not_poison_the_batch(
    postgres: None, monkeypatch: Any
) -> None:
    # On PostgreSQL an error aborts the whole transaction unless it is inside a savepoint.
    from reminders import services

    real_deliver = services._deliver

    def deliver(reminder: Reminder) -> None:
        if reminder.subject == "壊れたお知らせ":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        real_deliver(reminder)

    monkeypatch.setattr(services, "_deliver", deliver)
    user = UserFactory()
    broken = _due(user, key="a", subject="壊れたお知らせ", minutes=-5)
    _due(user, key="b", subject="ふつうのお知らせ")
    assert reminders_send_due() == 1
    status, attempts, error = _status(broken.pk)
    assert status == Reminder.Status.PENDING and attempts == 1
    assert "division by zero" in error
    assert list(Notification.objects.values_list("subject", flat=True)) == ["ふつうのお知らせ"]


def test_a_failing_reminder_is_retried_with_a_growing_delay_then_given_up(
    monkeypatch: Any,
) -> None:
    _fail_for("届かない", monkeypatch)
    user = UserFactory()
    failing = _due(user, key="fails", subject="届かないお知らせ")
    delays = []
    clock = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        _due(user, key=f"other-{attempt}", subject=f"届くお知らせ{attempt}")
        before = timezone.now()
        # Every run sends the others, whatever the failing row does.
        assert reminders_send_due(now=clock) == 1
        status, attempts, error = _status(failing.pk)
        assert attempts == attempt and "SMTP refused the message" in error
        failing.refresh_from_db()
        if attempt < MAX_ATTEMPTS:
            assert status == Reminder.Status.PENDING
            delays.append(failing.due_at - before)
            clock = failing.due_at + timedelta(seconds=1)
        else:
            assert status == Reminder.Status.FAILED
    assert delays == sorted(delays) and delays[0] >= timedelta(minutes=4)
    # Long enough to ride out an evening's mail outage, never more than the cap apart.
    assert max(delays) <= RETRY_LONGEST_DELAY + timedelta(seconds=5)
    assert sum(delays, timedelta()) >= timedelta(hours=6)
    assert reminders_send_due(now=clock + timedelta(days=30)) == 0
    assert len(mail.outbox) == MAX_ATTEMPTS
    assert not Notification.objects.filter(subject="届かないお知らせ").exists()


def test_healthz_shows_reminders_given_up_and_being_retried(client: Any, monkeypatch: Any) -> None:
    _fail_for("届かない", monkeypatch)
    user = UserFactory()
    _due(user, key="retrying", subject="届かないお知らせ")
    given_up = _due(user, key="given-up", subject="届かない別のお知らせ")
    Reminder.objects.filter(pk=given_up.pk).update(attempts=MAX_ATTEMPTS - 1)
    reminders_send_due()
    body = client.get("/healthz").json()
    assert body["reminders"]["failed"] == 1
    assert body["reminders"]["retrying"] == 1
    assert body["status"] == "ok"


def _invite_someone(client: Any) -> Any:
    """A coordinator invites a person to a session: the invitation email is due at once, so
    in eager mode it is sent right after the commit, inside the request."""
    from directory.models import Mode, Role
    from sessions.models import Invitation
    from sessions.services import session_create
    from tests.factories import MembershipFactory

    coordinator = MembershipFactory(role=Role.COORDINATOR).user
    start = timezone.now() + timedelta(days=10)
    session = session_create(
        by=coordinator,
        title="招待のテスト",
        question="？",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode=Mode.ONLINE,
        online_url="https://meet.example.jp/room",
    )
    invitee = UserFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:invitations", kwargs={"pk": session.pk}),
        {"person_email": invitee.email},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(session=session, user=invitee)
    return Reminder.objects.get(
        idempotency_key=f"session:{session.pk}:invitation:{invitation.pk}:sent"
    )


@pytest.mark.django_db(transaction=True)
def test_a_failing_send_after_the_commit_leaves_the_action_done_and_the_reminder_pending(
    client: Any, monkeypatch: Any, caplog: Any
) -> None:
    # The embedded default: eager Celery sends due reminders right after the commit, inside
    # the request. The action has committed; its page must not turn into a 500.
    from reminders import tasks

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("the sender broke")

    monkeypatch.setattr(tasks, "reminders_send_due", broken)
    with caplog.at_level(logging.ERROR, logger="reminders.services"):
        reminder = _invite_someone(client)
    assert "the sender broke" in caplog.text
    assert reminder.status == Reminder.Status.PENDING
    monkeypatch.undo()
    assert reminders_send_due() >= 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_committed_action_answers_success_though_a_bad_row_is_in_the_table(
    postgres: None, client: Any
) -> None:
    # The probe's second half: after the year-1 session, every action that notifies answered
    # 500 after it had committed. With such a row in the table, an invitation is stored, its
    # page is a success, its email goes out and the bad row is given up.
    # Scheduled ahead (so not sent at once), then broken: now due, and unreadable.
    bad = _due(UserFactory(), key="bad-after-commit", minutes=60)
    _break_due_time(bad)
    reminder = _invite_someone(client)
    assert reminder.status == Reminder.Status.SENT
    assert _status(bad.pk)[0] == Reminder.Status.FAILED
