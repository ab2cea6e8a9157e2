"""Reminders and notifications in the admin: delivery metadata only, read-only.

Their subjects and bodies carry what they are about — a conference task's text, a private
trouble's title, a resident's name — so the admin neither shows nor searches them
(decision 0501, issue #11). Delivery is operated from the state, the attempts and the error.
"""

from __future__ import annotations

from django.contrib import admin

from machida_portal.admin_metadata import MetadataOnlyAdmin

from .models import NoticePreference, Notification, Reminder


@admin.register(Reminder)
class ReminderAdmin(MetadataOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "recipient",
        "due_at",
        "status",
        "sent_at",
        "attempts",
        "delivered_by",
    ]
    fields = [
        "id",
        "kind",
        "idempotency_key",
        "recipient",
        "recipient_email",
        "content_type",
        "object_id",
        "send_email",
        "due_at",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "delivered_by",
        "line_error",
        "created_at",
    ]
    list_filter = ["status", "kind", "delivered_by"]
    search_fields = ["idempotency_key", "recipient__email", "recipient_email"]
    list_select_related = ["recipient"]
    date_hierarchy = "due_at"


@admin.register(Notification)
class NotificationAdmin(MetadataOnlyAdmin):
    list_display = fields = ("id", "recipient", "reminder", "created_at", "read_at")
    search_fields = ["recipient__email"]
    list_select_related = ["recipient", "reminder"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(MetadataOnlyAdmin):
    """A person's own choice of channel per group of notices: shown for support questions
    ("why did this come by email?"), changed only by the person on their account page."""

    list_display = fields = ("id", "user", "group", "channel")
    list_filter = ["group", "channel"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
