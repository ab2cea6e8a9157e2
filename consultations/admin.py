"""Admin pages show case metadata only (agencies, states, dates), read-only.

Case records are need-to-know (docs/decisions/0501): the administrator runs the system but is
not a party to any case, so no personal field (names, contact details, narratives, household,
notes, task texts) is listed or shown here, pages name a record by its number only
(``machida_portal.admin_metadata``), and nothing can be added, edited or deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from machida_portal.admin_metadata import MetadataOnlyAdmin, path_without_query

from .models import (
    AccessLog,
    Conference,
    ConferenceTask,
    ConsentEvent,
    Consultation,
    HouseholdMember,
    OutreachAttempt,
    OutreachCase,
    SheetTransition,
    TsunaguSheet,
    UnmetNeed,
)


@admin.register(Consultation)
class ConsultationAdmin(MetadataOnlyAdmin):
    fields = list_display = (
        "id",
        "agency",
        "status",
        "urgency",
        "consent_status",
        "created_at",
        "closed_at",
        "anonymized_at",
    )
    list_filter = ("status", "urgency", "consent_status")
    list_select_related = ("agency",)


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(MetadataOnlyAdmin):
    fields = list_display = ("id", "consultation")


@admin.register(TsunaguSheet)
class TsunaguSheetAdmin(MetadataOnlyAdmin):
    fields = list_display = (
        "id",
        "sender",
        "receiver",
        "status",
        "urgency",
        "legal_basis",
        "sent_at",
        "deadline_at",
        "received_at",
        "first_contact_on",
        "days_to_first_contact",
    )
    list_filter = ("status", "urgency", "legal_basis")
    list_select_related = ("sender", "receiver")


@admin.register(SheetTransition)
class SheetTransitionAdmin(MetadataOnlyAdmin):
    fields = list_display = ("sheet", "from_status", "to_status", "agency", "at")
    list_select_related = ("agency",)


@admin.register(AccessLog)
class AccessLogAdmin(MetadataOnlyAdmin):
    fields = list_display = (
        "at",
        "user",
        "agency",
        "owner_agency",
        "action",
        "object_type",
        "object_id",
        "page",
    )
    list_filter = ("action", "object_type")
    list_select_related = ("user", "agency", "owner_agency")
    readonly_fields = ("page",)

    # A search's query string may hold the name searched for: the page is enough here.
    @admin.display(description=_("ページ"))
    def page(self, obj: AccessLog) -> str:
        return path_without_query(obj.path)


@admin.register(Conference)
class ConferenceAdmin(MetadataOnlyAdmin):
    fields = list_display = (
        "id",
        "convened_by",
        "held_on",
        "legal_basis",
        "decision",
        "next_review_on",
    )
    list_select_related = ("convened_by",)


@admin.register(ConferenceTask)
class ConferenceTaskAdmin(MetadataOnlyAdmin):
    fields = list_display = ("conference", "organization", "due_on", "done")
    list_select_related = ("organization",)


@admin.register(UnmetNeed)
class UnmetNeedAdmin(MetadataOnlyAdmin):
    fields = list_display = ("description", "domain", "district", "created_at")
    list_select_related = ("domain", "district")


@admin.register(OutreachCase)
class OutreachCaseAdmin(MetadataOnlyAdmin):
    fields = list_display = (
        "id",
        "organization",
        "district",
        "source",
        "status",
        "next_contact_on",
        "created_at",
    )
    list_select_related = ("organization", "district")


@admin.register(OutreachAttempt)
class OutreachAttemptAdmin(MetadataOnlyAdmin):
    fields = list_display = ("case", "on", "method", "reached")


@admin.register(ConsentEvent)
class ConsentEventAdmin(MetadataOnlyAdmin):
    fields = list_display = ("id", "consultation", "kind", "status", "at")
    list_filter = ("kind", "status")


# The edit history (decision 0022): which case number changed when and how — never the values.
@admin.register(Consultation.history.model)
class ConsultationHistoryAdmin(MetadataOnlyAdmin):
    fields = list_display = (
        "history_id",
        "id",
        "history_type",
        "history_change_reason",
        "history_date",
    )
    list_filter = ("history_type", "history_change_reason")


@admin.register(HouseholdMember.history.model)
class HouseholdMemberHistoryAdmin(MetadataOnlyAdmin):
    fields = list_display = ("history_id", "id", "consultation", "history_type", "history_date")
