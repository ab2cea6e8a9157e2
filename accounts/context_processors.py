"""Navigation that differs by capability, and the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .capabilities import capabilities_of
from .nav import nav_menu_html


def _unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    from reminders.selectors import notification_unread_count

    return notification_unread_count(user=user)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_menu": SimpleLazyObject(lambda: nav_menu_html(capabilities_of(user), request.path)),
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(user)),
    }
