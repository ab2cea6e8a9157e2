from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from .models import Notification, Reminder


def _unread_key(user_id: Any) -> str:
    return f"unread:v1:{user_id}"


def notification_unread_count(*, user: Any) -> int:
    """Shown on every signed-in page, so kept in the cache; the reminders services (the only
    writers of notifications) drop it whenever it changes."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 600)
    return int(count)


def unread_count_changed(user_id: Any) -> None:
    cache.delete(_unread_key(user_id))


def reminder_backlog() -> QuerySet[Reminder]:
    from django.utils import timezone

    return Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=timezone.now())


def reminders_retrying() -> QuerySet[Reminder]:
    """Pending reminders that have failed at least once and wait for their next attempt."""
    return Reminder.objects.filter(status=Reminder.Status.PENDING, attempts__gt=0).exclude(
        last_error=""
    )


def reminders_given_up() -> QuerySet[Reminder]:
    return Reminder.objects.filter(status=Reminder.Status.FAILED)
