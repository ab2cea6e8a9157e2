"""Admin pages for support staff. Day-to-day changes go through the portal's pages, whose
services keep reminders and the waiting list right; registrations and invitations are shown
read-only here for that reason."""

from typing import Any

from django.contrib import admin

from .models import (
    ActionReview,
    DistrictVision,
    FutureSession,
    Invitation,
    OrganizationConnection,
    Registration,
    SessionOutcome,
    SessionPhoto,
    VisionAction,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(FutureSession)
class FutureSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "district", "capacity", "status"]
    list_filter = ["kind", "status", "district"]
    search_fields = ["title", "question"]
    date_hierarchy = "starts_at"
    list_select_related = ["district"]
    raw_id_fields = ["organizer"]
    filter_horizontal = ["themes"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "organization", "seats", "status", "attendance"]
    list_filter = ["status", "attendance", "is_walk_in"]
    list_select_related = ["session", "user", "organization"]
    raw_id_fields = ["session", "user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["session", "name", "email", "status", "created_at", "responded_at"]
    list_filter = ["status"]
    list_select_related = ["session"]
    search_fields = ["name", "email"]


@admin.register(SessionOutcome)
class SessionOutcomeAdmin(admin.ModelAdmin):
    list_display = ["session", "participant_count", "recorded_at"]
    list_select_related = ["session"]
    raw_id_fields = ["session", "recorded_by"]


@admin.register(SessionPhoto)
class SessionPhotoAdmin(admin.ModelAdmin):
    list_display = ["session", "caption", "created_at"]
    list_select_related = ["session"]
    raw_id_fields = ["session"]


@admin.register(OrganizationConnection)
class OrganizationConnectionAdmin(admin.ModelAdmin):
    list_display = ["session", "first", "second"]
    list_select_related = ["session", "first", "second"]
    raw_id_fields = ["session", "first", "second"]


@admin.register(DistrictVision)
class DistrictVisionAdmin(admin.ModelAdmin):
    list_display = ["district", "updated_at"]
    list_select_related = ["district"]
    filter_horizontal = ["themes"]


@admin.register(VisionAction)
class VisionActionAdmin(admin.ModelAdmin):
    list_display = ["title", "vision", "kind", "owner", "target_year", "status"]
    list_filter = ["status", "kind", "vision__district"]
    list_select_related = ["vision__district", "owner"]
    search_fields = ["title"]


@admin.register(ActionReview)
class ActionReviewAdmin(admin.ModelAdmin):
    list_display = ["action", "fiscal_year", "status", "updated_at"]
    list_filter = ["fiscal_year", "status"]
    list_select_related = ["action"]
    raw_id_fields = ["action", "meeting", "reviewed_by"]
