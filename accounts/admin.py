from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from directory.models import Membership

from .models import PersonalDataView, User
from .roles import roles_changed


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name", "full_name", "full_name_kana"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("個人情報"), {"fields": ("display_name", "full_name", "full_name_kana", "phone")}),
        (_("権限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # Memberships are edited inline and the superuser flag on the form: roles changed.
        super().save_related(request, form, formsets, change)
        roles_changed(form.instance.pk)


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    list_display = ["viewed_at", "viewer", "subject", "context", "path"]
    search_fields = ["viewer__email", "subject__email", "context"]
    list_select_related = ["viewer", "subject"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
