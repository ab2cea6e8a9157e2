"""Navigation that differs by role, and the unread notification count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from directory.models import Role

from .roles import roles_of


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[str]  # empty: everyone, signed in or not

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


# Later apps add their entries here; an entry whose URL does not exist yet is skipped.
NAV_ITEMS: list[NavItem] = [
    NavItem(_("ホーム"), "home", frozenset()),
    NavItem(_("やりたいボード"), "projects:idea_board", frozenset()),
    NavItem(_("フューチャーセッション"), "future_sessions:calendar", frozenset()),
    NavItem(_("地域の資源・居場所"), "directory:resource_list", frozenset()),
    NavItem(_("地区・団体"), "directory:district_list", frozenset()),
    NavItem(_("コーディネーター"), "projects:inbox", frozenset({Role.COORDINATOR, Role.ADMIN})),
    NavItem(
        _("相談・つなぐシート"),
        "consultations:inbox",
        frozenset({Role.CONSULTATION_STAFF, Role.ADMIN}),
    ),
    NavItem(
        _("アウトリーチ"),
        "consultations:outreach_list",
        frozenset({Role.WELFARE_COORDINATOR, Role.ADMIN}),
    ),
    NavItem(_("指標"), "indicators:dashboard", frozenset({Role.CITY_STAFF, Role.ADMIN})),
]


def _nav_for(user: Any) -> list[dict[str, Any]]:
    roles = roles_of(user)
    items = []
    for item in NAV_ITEMS:
        if item.roles and not (item.roles & roles):
            continue
        url = item.url()
        if url is not None:
            items.append({"label": item.label, "url": url, "name": item.url_name})
    return items


def _unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    from reminders.selectors import notification_unread_count

    return notification_unread_count(user=user)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_items": SimpleLazyObject(lambda: _nav_for(user)),
        "user_roles": SimpleLazyObject(lambda: roles_of(user)),
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(user)),
    }
