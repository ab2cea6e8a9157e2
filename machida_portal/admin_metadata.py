"""Read-only admin pages that show a record's metadata and name it by its number only.

Case records and the reminders written about them carry free text about people (a task
「山本キヨさん宅に訪問」, a household relation, a reminder's body). The administrator runs the
system without reading them (decision 0501, issue #11): the pages list only the fields a
subclass names in ``fields`` (no free text among them), and the page title, breadcrumb and
history page say "#<id>" instead of ``str(obj)``, which for some models is that free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class _Numbered:
    """What the admin templates need of the object (its pk, its name) without its text."""

    pk: Any

    def __str__(self) -> str:
        return f"#{self.pk}"


class MetadataOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        named = _Numbered(object_id)
        context = {**(extra_context or {}), "subtitle": str(named), "original": named}
        return super().change_view(request, object_id, form_url, context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        named = _Numbered(object_id)
        context = {
            **(extra_context or {}),
            "title": _("変更履歴: %s") % named,
            "object": named,
        }
        return super().history_view(request, object_id, context)


def path_without_query(path: str) -> str:
    """A logged page without its query string, which may hold a name searched for."""
    return path.split("?", 1)[0]
