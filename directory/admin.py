from django.contrib import admin

from .models import District, Domain, Membership, Organization


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_ja", "name_en", "code"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "code", "order"]
    search_fields = ["name_ja", "name_en", "code"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active", "districts", "domains"]
    search_fields = ["name", "name_kana"]
    filter_horizontal = ["districts", "domains"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_supervisor", "is_active"]
    list_filter = ["role", "is_supervisor", "is_active"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
