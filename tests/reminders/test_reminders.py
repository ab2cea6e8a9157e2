from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reminders.models import Notification, Reminder
from reminders.services import notify, reminder_cancel, reminder_schedule, reminders_send_due
from tests.factories import NotificationFactory, ReminderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _schedule(user: Any, key: str = "k1", minutes: int = -1, **extra: Any) -> Reminder:
    return ReminderFactory(
        recipient=user,
        key=key,
        minutes=minutes,
        subject="セッションは明日です",
        body="会場：市民フォーラム",
        url="/",
        **extra,
    )


def test_scheduling_the_same_key_twice_stores_one_reminder() -> None:
    user = UserFactory()
    _schedule(user, minutes=10)
    _schedule(user, minutes=20)
    assert Reminder.objects.count() == 1
    assert Reminder.objects.get().due_at > timezone.now() + timedelta(minutes=15)


def test_due_reminder_is_sent_once_by_email_and_in_portal() -> None:
    user = UserFactory()
    _schedule(user)
    assert reminders_send_due() == 1
    assert reminders_send_due() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "セッションは明日です" in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=user).count() == 1
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.SENT and reminder.sent_at is not None


def test_reminder_not_yet_due_waits() -> None:
    _schedule(UserFactory(), minutes=30)
    assert reminders_send_due() == 0
    assert not mail.outbox


def test_rescheduling_a_sent_reminder_does_not_send_it_again() -> None:
    user = UserFactory()
    _schedule(user)
    reminders_send_due()
    _schedule(user)
    assert reminders_send_due() == 0
    assert len(mail.outbox) == 1


def test_cancelled_reminder_is_not_sent() -> None:
    _schedule(UserFactory())
    assert reminder_cancel(key="k1")
    assert reminders_send_due() == 0
    assert not mail.outbox


def test_cancel_by_key_prefix_touches_only_pending_reminders_of_that_object() -> None:
    from reminders.services import reminders_cancel_matching

    user = UserFactory()
    _schedule(user, key="session:7:registration:1:48h", minutes=60)
    _schedule(user, key="session:7:registration:2:2h", minutes=60)
    _schedule(user, key="session:70:registration:3:2h", minutes=60)
    sent = _schedule(user, key="session:7:registration:4:2h")
    reminders_send_due()
    assert reminders_cancel_matching(key_prefix="session:7:registration:") == 2
    statuses = dict(Reminder.objects.values_list("idempotency_key", "status"))
    assert statuses["session:70:registration:3:2h"] == Reminder.Status.PENDING
    assert statuses[sent.idempotency_key] == Reminder.Status.SENT
    with pytest.raises(ValueError):
        reminders_cancel_matching()


def test_reminder_to_an_address_without_account_is_emailed_only() -> None:
    reminder_schedule(
        kind="invite",
        key="inv",
        due_at=timezone.now(),
        subject="ご招待",
        body="本文",
        recipient_email="guest@example.org",
    )
    reminders_send_due()
    assert mail.outbox[0].to == ["guest@example.org"]
    assert Notification.objects.count() == 0


def test_a_reminder_needs_someone_to_send_to() -> None:
    with pytest.raises(ValueError):
        reminder_schedule(kind="x", key="x", due_at=timezone.now(), subject="s", body="b")


def test_failed_delivery_is_retried_later_and_leaves_no_notification(monkeypatch: Any) -> None:
    user = UserFactory()
    _schedule(user)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert reminders_send_due() == 0
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.attempts == 1 and "SMTP down" in reminder.last_error
    assert reminder.due_at > timezone.now()
    assert Notification.objects.count() == 0
    monkeypatch.undo()
    reminders_send_due(now=timezone.now() + timedelta(hours=1))
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_email_link_is_absolute_and_message_id_is_stable(settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.jp"
    user = UserFactory()
    _schedule(user)
    reminders_send_due()
    message = mail.outbox[0]
    assert "https://portal.example.jp/" in message.body
    # The row's own id, made when the row was, on the site's domain (issue 14).
    stored = Reminder.objects.get().message_id
    assert stored.endswith("@portal.example.jp>")
    assert message.extra_headers["Message-ID"] == stored


def test_notify_in_eager_mode_sends_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, key="n1", subject="アイデアが受け付けられました")
    assert Notification.objects.filter(recipient=user).count() == 1


def test_notification_page_lists_and_counts_unread(client: Any) -> None:
    user = UserFactory()
    for i in range(3):
        NotificationFactory.create(recipient=user, subject=f"お知らせ{i}")
    NotificationFactory.create(recipient=UserFactory(), subject="他人のお知らせ")
    client.force_login(user)
    response = client.get(reverse("reminders:notification_list"))
    body = response.content.decode()
    assert "お知らせ2" in body and "他人のお知らせ" not in body
    assert 'data-testid="unread-count">3' in body


def test_opening_a_notification_marks_it_read_and_follows_only_local_links(client: Any) -> None:
    user = UserFactory()
    local = NotificationFactory.create(recipient=user, subject="a", url="/me/")
    foreign = NotificationFactory.create(recipient=user, subject="b", url="https://evil.example/")
    client.force_login(user)
    assert client.get(reverse("reminders:notification_open", args=[local.pk]))["Location"] == "/me/"
    local.refresh_from_db()
    assert local.read_at is not None
    response = client.get(reverse("reminders:notification_open", args=[foreign.pk]))
    assert response["Location"] == reverse("reminders:notification_list")


def test_mark_all_read(client: Any) -> None:
    user = UserFactory()
    NotificationFactory.create(recipient=user, subject="a")
    client.force_login(user)
    client.post(reverse("reminders:notification_read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notification_list_query_count_does_not_grow(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    user = UserFactory()
    client.force_login(user)
    NotificationFactory.create(recipient=user, subject="one")
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reminders:notification_list"))
    Notification.objects.bulk_create(
        [Notification(recipient=user, subject=f"n{i}") for i in range(120)]
    )
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reminders:notification_list"))
    assert len(large) == len(small)


def test_unread_count_follows_new_and_read_notifications(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()
    client.force_login(user)
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _schedule(user)
        reminders_send_due()
    assert 'data-testid="unread-count">1' in client.get("/").content.decode()
    client.post(reverse("reminders:notification_read_all"))
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_cancelling_by_many_prefixes_reaches_each_objects_reminders_and_no_other() -> None:
    """Many objects at once (a nightly anonymisation), in batches the database can take; a
    prefix never reaches another object whose id merely starts the same."""
    from reminders.services import reminders_cancel_matching

    user = UserFactory()
    due = timezone.now() + timedelta(days=1)
    for i in range(1, 451):
        reminder_schedule(
            kind="test",
            key=f"thing:{i}:next:2030-01-01",
            due_at=due,
            subject="s",
            body="b",
            recipient=user,
        )
    chosen = [i for i in range(1, 451) if i % 2 == 1]  # 1, 3, …: never 12, 14, 100 …
    assert reminders_cancel_matching(key_prefixes=[f"thing:{i}:next:" for i in chosen]) == len(
        chosen
    )
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    assert sorted(
        int(k.split(":")[1]) for k in pending.values_list("idempotency_key", flat=True)
    ) == [i for i in range(1, 451) if i % 2 == 0]
    # No objects: nothing to cancel, and no mistake either.
    assert reminders_cancel_matching(key_prefixes=[]) == 0
    with pytest.raises(ValueError):
        reminders_cancel_matching()
