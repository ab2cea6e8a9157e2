from django.contrib import admin

from .models import Indicator, IndicatorCode, Measurement, MeasurementChange, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class FormerCodeInline(admin.TabularInline):
    """Codes the indicator was known by (decision 0023): they redirect and still import."""

    model = IndicatorCode
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "unit", "source", "kind", "order"]
    list_filter = ["kind", "source"]
    search_fields = ["code", "name_ja", "name_en"]
    inlines = [TargetInline, FormerCodeInline]


class ChangeInline(admin.TabularInline):
    model = MeasurementChange
    extra = 0
    can_delete = False
    readonly_fields = ["old_value", "new_value", "old_status", "new_status", "reason", "by", "at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The history is written by the services only.
        return False


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "fiscal_year", "district", "value", "status", "is_demo"]
    list_filter = ["status", "is_demo", "indicator__kind", "fiscal_year"]
    list_select_related = ["indicator", "district"]
    # Values change through the portal's pages, which keep the history; the admin only reads.
    readonly_fields = [f.name for f in Measurement._meta.fields]
    inlines = [ChangeInline]
