"""Reminders (through ``reminder_schedule``) and inbox notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from reminders.models import Notification, Reminder
from reminders.services import reminder_schedule

from .accounts import UserFactory
from .base import RowFactory, ServiceFactory


class ReminderFactory(ServiceFactory[Reminder]):
    """A pending reminder, scheduled as the apps schedule theirs. ``minutes`` is when it is
    due from now (``-1``: already due); pass ``due_at`` instead for an exact time."""

    class Meta:
        model = Reminder

    class Params:
        minutes = -1

    kind = "test"
    key = factory.Sequence(lambda n: f"test:{n}")
    due_at = factory.LazyAttribute(lambda o: timezone.now() + timedelta(minutes=o.minutes))
    subject = "お知らせ"
    body = "本文"
    recipient = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Reminder:
        return reminder_schedule(**kwargs)


class NotificationFactory(RowFactory[Notification]):
    """A notification in someone's portal inbox (not through a reminder)."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"お知らせ{n}")
