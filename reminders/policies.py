"""Who may see and mark a notification (decision 0012).

A notification in the portal is its recipient's alone: the list shows a user's own, and
anyone else's does not exist for them (a 404). Reading one — opening it marks it read — is
the recipient's action. Reminders themselves have no pages: they are the sender's own
bookkeeping, seen in the admin.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification

RECIPIENT_ACTIONS = frozenset({"view", "read"})


def notification_scope(user: Any, action: str = "view") -> QuerySet[Notification]:
    if action not in RECIPIENT_ACTIONS or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_can(user: Any, action: str, notification: Notification) -> bool:
    return (
        action in RECIPIENT_ACTIONS
        and getattr(user, "is_authenticated", False)
        and notification.recipient_id == user.pk
    )
