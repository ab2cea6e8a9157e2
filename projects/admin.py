from django.contrib import admin

from .models import Idea, Project


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "district", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["author", "entered_by", "assigned_to", "merged_into"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "start_date", "end_date"]
    list_filter = ["status"]
    raw_id_fields = ["lead_user", "created_by"]
