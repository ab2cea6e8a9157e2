from django.contrib import admin

from .models import Notification, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "recipient",
        "recipient_email",
        "due_at",
        "status",
        "sent_at",
        "attempts",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["idempotency_key", "subject", "recipient__email", "recipient_email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "due_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at"]
    search_fields = ["subject", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "reminder"]
