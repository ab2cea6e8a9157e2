from django.contrib import admin

from machida_portal.admin_metadata import MetadataOnlyAdmin

from .models import (
    Idea,
    IdeaEvent,
    IdeaNote,
    IdeaPhoto,
    IdeaReaction,
    Match,
    Need,
    Offer,
    Project,
    ProjectActivity,
    ProjectMember,
)


class ReadOnlyInline(admin.TabularInline):
    """History and reactions are written by the services; the admin shows them only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class IdeaEventInline(ReadOnlyInline):
    model = IdeaEvent


class IdeaNoteInline(ReadOnlyInline):
    model = IdeaNote


class IdeaPhotoInline(ReadOnlyInline):
    model = IdeaPhoto


class IdeaReactionInline(ReadOnlyInline):
    model = IdeaReaction


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "district", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["author", "entered_by", "assigned_to", "merged_into"]
    inlines = [IdeaEventInline, IdeaNoteInline, IdeaPhotoInline, IdeaReactionInline]


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["user"]


class ProjectActivityInline(ReadOnlyInline):
    model = ProjectActivity


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "start_date", "end_date"]
    list_filter = ["status"]
    raw_id_fields = ["lead_user", "created_by"]
    inlines = [ProjectMemberInline, ProjectActivityInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "organization"]
    raw_id_fields = ["owner", "organization"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "idea", "project", "organization"]
    raw_id_fields = ["idea", "project", "organization", "owner"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "need", "offer"]
    raw_id_fields = ["need", "offer", "proposed_by"]


# Edits after sending (decision 0022): who changed which idea or offer when. The old texts are
# shown to coordinators on the idea's page, not here.
@admin.register(Idea.history.model)
class IdeaHistoryAdmin(MetadataOnlyAdmin):
    fields = list_display = ("history_id", "id", "history_user", "history_date")


@admin.register(Offer.history.model)
class OfferHistoryAdmin(MetadataOnlyAdmin):
    fields = list_display = ("history_id", "id", "history_user", "history_date")
