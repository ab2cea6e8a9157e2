from typing import Any

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from directory.models import Membership, Role
from machida_portal.admin_metadata import MetadataOnlyAdmin, path_without_query

from .models import MembershipGrant, PersonalDataView, User
from .roles import holds_case_role, roles_changed
from .services import membership_grant_approve, membership_grant_reject, membership_save_by_admin


def tell_grant_filed(request: HttpRequest) -> None:
    messages.warning(
        request,
        _(
            "相談記録を開く所属は、別の管理者が「相談記録を開く所属の承認」で承認するまで"
            "有効になりません。"
        ),
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts, flags and memberships. The real name, its kana and the phone number are not
    here: the person keeps them on their profile, and staff read them only where the portal
    logs the reading (``PersonalDataView``); the admin can find people by email only."""

    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("表示名"), {"fields": ("display_name",)}),
        (_("権限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("日時"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # A case worker's sign-in is a way into their agency's cases: changing its email (then
    # resetting the password) or setting its password here would let an administrator take
    # the account over. The person changes them on their own pages.
    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and holds_case_role(obj):
            return (*readonly, "email")
        return readonly

    def user_change_password(self, request, id, form_url=""):  # type: ignore[no-untyped-def]
        user = self.get_object(request, unquote(id))
        if user is not None and holds_case_role(user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # Memberships are edited inline and the superuser flag on the form: roles changed.
        super().save_related(request, form, formsets, change)
        roles_changed(form.instance.pk)

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Each membership goes through the same rule as on its own admin page.
        memberships = formset.save(commit=False)
        for gone in formset.deleted_objects:
            gone.delete()
        filed = [membership_save_by_admin(membership=m, by=request.user) for m in memberships]
        formset.save_m2m()
        if any(filed):
            tell_grant_filed(request)


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    list_display = ("viewed_at", "viewer", "subject", "context", "page")
    fields = readonly_fields = ("viewed_at", "viewer", "subject", "context", "page")
    search_fields = ["viewer__email", "subject__email", "context"]
    list_select_related = ["viewer", "subject"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    # A search's query string may hold the name searched for: the page is enough here.
    @admin.display(description=_("ページ"))
    def page(self, obj: PersonalDataView) -> str:
        return path_without_query(obj.path)


@admin.register(MembershipGrant)
class MembershipGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Requests to open case records, approved or rejected by a second administrator.

    The rows are the audit trail: nobody adds, edits or deletes them here; the two actions
    go through ``accounts.services``, which refuse the requester and the person granted.
    """

    list_display = [
        "requested_at",
        "user",
        "organization",
        "role_label",
        "is_supervisor",
        "requested_by",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "organization__name", "requested_by__email"]
    list_select_related = ["user", "organization", "requested_by", "decided_by"]
    actions = ["approve_grants", "reject_grants"]

    @admin.display(description=_("役割"), ordering="role")
    def role_label(self, obj: MembershipGrant) -> str:
        return str(Role(obj.role).label) if obj.role in Role.values else obj.role

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[MembershipGrant], decide: Any
    ) -> None:
        for grant in queryset:
            try:
                decide(grant=grant, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"#{grant.pk}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, f"#{grant.pk}: {grant.get_status_display()}", messages.SUCCESS
                )

    @admin.action(description=_("選択した申請を承認する"))
    def approve_grants(self, request: HttpRequest, queryset: QuerySet[MembershipGrant]) -> None:
        self._decide(request, queryset, membership_grant_approve)

    @admin.action(description=_("選択した申請を却下する"))
    def reject_grants(self, request: HttpRequest, queryset: QuerySet[MembershipGrant]) -> None:
        self._decide(request, queryset, membership_grant_reject)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(BaseEmailAddressAdmin):
    """allauth's page, except that addresses are not added here and a case worker's are not
    changed: a password reset goes to any of a person's addresses (see ``UserAdmin``)."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is not None and holds_case_role(obj.user):
            return False
        return super().has_change_permission(request, obj)


# --- LINE links (issue 15) ----------------------------------------------------------------
# allauth's own pages would show a linked account's ``extra_data`` (the LINE profile: display
# name, picture, email) and offer SocialApp/SocialToken screens that do nothing here (the app
# is built from the environment, tokens are not stored). The admin shows that a person linked
# LINE, and when; unlinking is the person's own act on their account page.
for _model in (SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(SocialAccount)
class LinkedAccountAdmin(MetadataOnlyAdmin):
    list_display = fields = ("id", "user", "provider", "date_joined", "last_login")
    list_filter = ["provider"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
