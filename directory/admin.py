from django.contrib import admin

from accounts.admin import tell_grant_filed
from accounts.roles import roles_changed
from accounts.services import membership_save_by_admin

from .models import District, Domain, Membership, Organization, Place, Resource, Theme


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

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # A case role is held back for a second administrator (accounts.MembershipGrant).
        if membership_save_by_admin(membership=obj, by=request.user) is not None:
            tell_grant_filed(request)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        roles_changed(obj.user_id)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        user_ids = list(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        for user_id in user_ids:
            roles_changed(user_id)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_ja", "name_en", "code"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "mode", "district", "organization", "is_drop_in", "is_active"]
    list_filter = ["mode", "is_drop_in", "is_active", "district"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["organization"]
    list_select_related = ["district", "organization"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "last_verified_on", "is_active"]
    list_filter = ["kind", "is_active", "domains", "districts"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization", "place"]
    filter_horizontal = ["districts", "domains", "themes"]
    list_select_related = ["organization"]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        resource = form.instance
        resource.search_document = resource.build_search_document()
        resource.save(update_fields=["search_document"])
