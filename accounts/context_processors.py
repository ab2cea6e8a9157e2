"""Navigation that differs by role, and the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .nav import visible_items
from .roles import roles_of


def _unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    from reminders.selectors import notification_unread_count

    return notification_unread_count(user=user)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_items": SimpleLazyObject(
            lambda: visible_items(roles_of(user), bool(user.is_authenticated))
        ),
        "user_roles": SimpleLazyObject(lambda: roles_of(user)),
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(user)),
    }
