from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Membership

from .models import MembershipGrant, PersonalDataView, User
from .roles import CASE_ROLES, roles_changed


def personal_data_viewed(
    *, viewer: User, subject: User | None, context: str, path: str = ""
) -> PersonalDataView | None:
    """Record that ``viewer`` saw ``subject``'s personal data. People reading their own are
    not recorded."""
    if subject is not None and viewer.pk == subject.pk:
        return None
    return PersonalDataView.objects.create(
        viewer=viewer, subject=subject, context=context[:100], path=path[:300]
    )


def personal_data_viewed_from_request(
    request: Any, *, subject: User | None, context: str
) -> PersonalDataView | None:
    return personal_data_viewed(
        viewer=request.user, subject=subject, context=context, path=request.get_full_path()
    )


# --- Memberships that open case records -----------------------------------------------------


def _opens_case_records(membership: Membership) -> bool:
    return membership.is_active and membership.role in CASE_ROLES


def membership_save_by_admin(*, membership: Membership, by: User) -> MembershipGrant | None:
    """Save a membership edited in the admin; anything that would open case records or widen
    access to them is held back and filed as a grant for a second administrator.

    Adding an active case-role membership, re-activating one, moving it to another user,
    organization or role saves it closed (``is_active=False``); making its holder a supervisor
    keeps it open but without the flag. Closing, or changing nothing that matters, applies
    at once. Any pending request for the membership is withdrawn: a grant approves exactly
    what was asked for.
    """
    with transaction.atomic():
        before = (
            Membership.objects.select_for_update().filter(pk=membership.pk).first()
            if membership.pk
            else None
        )
        grant: MembershipGrant | None = None
        was_open = before is not None and _opens_case_records(before)
        if _opens_case_records(membership):
            same_place = before is not None and (
                before.user_id,
                before.organization_id,
                before.role,
            ) == (membership.user_id, membership.organization_id, membership.role)
            opens = not (was_open and same_place)
            adds_supervisor = membership.is_supervisor and not (
                before is not None and before.is_supervisor and not opens
            )
            if opens or adds_supervisor:
                requested_supervisor = membership.is_supervisor
                if opens:
                    membership.is_active = False
                else:
                    membership.is_supervisor = False
                grant = MembershipGrant(
                    user_id=membership.user_id,
                    organization_id=membership.organization_id,
                    role=membership.role,
                    is_supervisor=requested_supervisor,
                    requested_by=by,
                )
        if membership.pk:
            MembershipGrant.objects.filter(
                membership=membership, status=MembershipGrant.Status.PENDING
            ).update(
                status=MembershipGrant.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now()
            )
        membership.full_clean()
        membership.save()
        if grant is not None:
            grant.membership = membership
            grant.save()
    roles_changed(membership.user_id)
    if before is not None and before.user_id != membership.user_id:
        roles_changed(before.user_id)
    return grant


def _decidable(grant_id: Any) -> MembershipGrant:
    """The grant, locked, if it still waits for a decision. Its membership is locked first,
    in the same order as ``membership_save_by_admin``, so an edit and a decision never
    cross."""
    membership_id = (
        MembershipGrant.objects.filter(pk=grant_id).values_list("membership_id", flat=True).get()
    )
    if membership_id is not None:
        list(Membership.objects.select_for_update().filter(pk=membership_id))
    grant = MembershipGrant.objects.select_for_update().get(pk=grant_id)
    if grant.status != MembershipGrant.Status.PENDING:
        raise ValidationError(_("この申請はすでに処理されています。"))
    return grant


def membership_grant_approve(*, grant: MembershipGrant, by: User) -> MembershipGrant:
    """A second administrator opens the membership as requested."""
    if not by.is_active or not by.has_perm("accounts.approve_membershipgrant"):
        raise ValidationError(_("相談記録を開く所属を承認する権限がありません。"))
    with transaction.atomic():
        grant = _decidable(grant.pk)
        if by.pk in (grant.requested_by_id, grant.user_id):
            raise ValidationError(
                _("申請した人や対象の本人は承認できません。別の管理者が承認してください。")
            )
        membership = grant.membership
        if membership is None or (
            membership.user_id,
            membership.organization_id,
            membership.role,
        ) != (grant.user_id, grant.organization_id, grant.role):
            raise ValidationError(_("所属が申請後に変更または削除されています。"))
        membership.is_active = True
        membership.is_supervisor = grant.is_supervisor
        membership.save(update_fields=["is_active", "is_supervisor"])
        grant.status = MembershipGrant.Status.APPROVED
        grant.decided_by = by
        grant.decided_at = timezone.now()
        grant.save(update_fields=["status", "decided_by", "decided_at"])
    roles_changed(grant.user_id)
    return grant


def membership_grant_reject(*, grant: MembershipGrant, by: User) -> MembershipGrant:
    """The request is refused (or withdrawn, when its requester takes it back); the
    membership stays as it is, closed."""
    with transaction.atomic():
        grant = _decidable(grant.pk)
        if by.pk == grant.requested_by_id:
            grant.status = MembershipGrant.Status.WITHDRAWN
        elif by.has_perm("accounts.approve_membershipgrant"):
            grant.status = MembershipGrant.Status.REJECTED
        else:
            raise ValidationError(_("相談記録を開く所属を承認する権限がありません。"))
        grant.decided_by = by
        grant.decided_at = timezone.now()
        grant.save(update_fields=["status", "decided_by", "decided_at"])
    return grant
