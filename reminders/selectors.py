from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification, Reminder


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def reminder_backlog() -> QuerySet[Reminder]:
    from django.utils import timezone

    return Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=timezone.now())
