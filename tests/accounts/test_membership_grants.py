"""A membership that opens case records needs a second administrator (issue #11, finding 1).

Adding a consultation-staff or welfare-coordinator membership in the admin, re-activating one,
moving it or making its holder a supervisor leaves it closed and files a grant request; a
different administrator, who is not the person granted, approves it. Narrowing applies at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import MembershipGrant
from accounts.roles import roles_of
from accounts.services import membership_grant_approve
from directory.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(demo: Any) -> tuple[Any, Any]:
    second = UserFactory(email="admin2@example.jp", is_staff=True, is_superuser=True)
    return demo.users["admin@example.jp"], second


def _fresh(user: Any) -> Any:
    return type(user).objects.get(pk=user.pk)


def _add_in_admin(client: Any, user: Any, org: Any, role: str, **extra: str) -> Any:
    return client.post(
        reverse("admin:directory_membership_add"),
        {"user": user.pk, "organization": org.pk, "role": role, "is_active": "on", **extra},
    )


def _act(client: Any, action: str, grant: MembershipGrant) -> Any:
    return client.post(
        reverse("admin:accounts_membershipgrant_changelist"),
        {"action": action, "_selected_action": [grant.pk]},
    )


def _case_agency(demo: Any) -> Any:
    return Membership.objects.get(user=demo.users["staff.elderly@example.jp"]).organization


def test_admin_cannot_open_an_agencys_cases_to_themself(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    agency = _case_agency(demo)
    client.force_login(first)
    assert _add_in_admin(client, first, agency, Role.CONSULTATION_STAFF).status_code == 302

    membership = Membership.objects.get(user=first, organization=agency)
    assert membership.is_active is False
    assert Role.CONSULTATION_STAFF not in roles_of(_fresh(first))
    client.force_login(first)
    assert client.get(reverse("consultations:inbox")).status_code == 403

    grant = MembershipGrant.objects.get(membership=membership)
    assert grant.status == MembershipGrant.Status.PENDING and grant.requested_by == first
    _act(client, "approve_grants", grant)
    grant.refresh_from_db()
    membership.refresh_from_db()
    assert grant.status == MembershipGrant.Status.PENDING and membership.is_active is False


def test_a_second_administrator_approves_and_the_grant_is_recorded(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, second = admins
    resident = demo.users["resident@example.jp"]
    agency = _case_agency(demo)
    client.force_login(first)
    _add_in_admin(client, resident, agency, Role.CONSULTATION_STAFF)
    grant = MembershipGrant.objects.get(user=resident)

    client.force_login(second)
    assert _act(client, "approve_grants", grant).status_code == 302
    grant.refresh_from_db()
    assert grant.status == MembershipGrant.Status.APPROVED
    assert grant.decided_by == second and grant.decided_at is not None
    assert Membership.objects.get(user=resident, organization=agency).is_active
    assert Role.CONSULTATION_STAFF in roles_of(_fresh(resident))


def test_the_person_granted_cannot_approve_their_own_grant(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, second = admins
    client.force_login(first)
    _add_in_admin(client, second, _case_agency(demo), Role.CONSULTATION_STAFF)
    grant = MembershipGrant.objects.get(user=second)
    client.force_login(second)
    _act(client, "approve_grants", grant)
    grant.refresh_from_db()
    assert grant.status == MembershipGrant.Status.PENDING
    with pytest.raises(ValidationError):
        membership_grant_approve(grant=grant, by=second)


def test_rejecting_leaves_the_membership_closed(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, second = admins
    resident = demo.users["resident@example.jp"]
    client.force_login(first)
    _add_in_admin(client, resident, _case_agency(demo), Role.CONSULTATION_STAFF)
    grant = MembershipGrant.objects.get(user=resident)
    client.force_login(second)
    _act(client, "reject_grants", grant)
    grant.refresh_from_db()
    assert grant.status == MembershipGrant.Status.REJECTED and grant.decided_by == second
    assert Membership.objects.get(user=resident).is_active is False
    assert Role.CONSULTATION_STAFF not in roles_of(_fresh(resident))
    with pytest.raises(ValidationError):
        membership_grant_approve(grant=grant, by=second)


def test_welfare_coordinator_memberships_need_approval_too(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    resident = demo.users["resident@example.jp"]
    shakyo = demo.orgs["shakyo"]
    client.force_login(first)
    _add_in_admin(client, resident, shakyo, Role.WELFARE_COORDINATOR)
    assert Role.WELFARE_COORDINATOR not in roles_of(_fresh(resident))
    assert MembershipGrant.objects.filter(user=resident, status="pending").exists()


def test_the_user_page_inline_cannot_open_cases_either(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    client.force_login(first)
    url = reverse("admin:accounts_user_change", args=[first.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "groups"}
    data.update(
        {
            "email": first.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": first.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": first.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organization": _case_agency(demo).pk,
            "memberships-0-role": Role.CONSULTATION_STAFF,
            "memberships-0-is_active": "on",
        }
    )
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    membership = Membership.objects.get(user=first, role=Role.CONSULTATION_STAFF)
    assert membership.is_active is False
    assert MembershipGrant.objects.filter(membership=membership, status="pending").exists()
    assert Role.CONSULTATION_STAFF not in roles_of(_fresh(first))


def test_making_a_member_of_staff_a_supervisor_needs_approval_and_keeps_their_work(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, second = admins
    membership = Membership.objects.get(user=demo.users["staff.elderly@example.jp"])
    Membership.objects.filter(pk=membership.pk).update(is_supervisor=False)
    client.force_login(first)
    response = client.post(
        reverse("admin:directory_membership_change", args=[membership.pk]),
        {
            "user": membership.user_id,
            "organization": membership.organization_id,
            "role": membership.role,
            "is_active": "on",
            "is_supervisor": "on",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active and not membership.is_supervisor
    grant = MembershipGrant.objects.get(membership=membership, status="pending")
    assert grant.is_supervisor
    client.force_login(second)
    _act(client, "approve_grants", grant)
    membership.refresh_from_db()
    assert membership.is_active and membership.is_supervisor


def test_moving_staff_to_another_agency_closes_it_until_approved(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    membership = Membership.objects.get(user=demo.users["staff.elderly@example.jp"])
    other = Membership.objects.get(user=demo.users["staff.disability@example.jp"]).organization
    client.force_login(first)
    client.post(
        reverse("admin:directory_membership_change", args=[membership.pk]),
        {
            "user": membership.user_id,
            "organization": other.pk,
            "role": membership.role,
            "is_active": "on",
        },
    )
    membership.refresh_from_db()
    assert membership.organization == other and membership.is_active is False
    assert MembershipGrant.objects.filter(membership=membership, status="pending").exists()


def test_closing_a_membership_applies_at_once(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    staff = demo.users["staff.elderly@example.jp"]
    membership = Membership.objects.get(user=staff)
    assert Role.CONSULTATION_STAFF in roles_of(_fresh(staff))
    client.force_login(first)
    client.post(
        reverse("admin:directory_membership_change", args=[membership.pk]),
        {"user": staff.pk, "organization": membership.organization_id, "role": membership.role},
    )
    membership.refresh_from_db()
    assert membership.is_active is False
    assert not MembershipGrant.objects.filter(membership=membership).exists()
    assert Role.CONSULTATION_STAFF not in roles_of(_fresh(staff))


def test_editing_a_pending_membership_withdraws_its_request(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    """A grant approves what was asked for: changing the membership meanwhile replaces it."""
    first, second = admins
    resident = demo.users["resident@example.jp"]
    agency = _case_agency(demo)
    client.force_login(first)
    _add_in_admin(client, resident, agency, Role.CONSULTATION_STAFF)
    old = MembershipGrant.objects.get(user=resident)
    membership = old.membership
    assert membership is not None
    other = Membership.objects.get(user=demo.users["staff.disability@example.jp"]).organization
    client.post(
        reverse("admin:directory_membership_change", args=[membership.pk]),
        {"user": resident.pk, "organization": other.pk, "role": membership.role, "is_active": "on"},
    )
    old.refresh_from_db()
    assert old.status == MembershipGrant.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        membership_grant_approve(grant=old, by=second)
    new = MembershipGrant.objects.get(user=resident, status="pending")
    assert new.organization == other


def test_grant_records_cannot_be_added_changed_or_deleted_in_the_admin(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    client.force_login(first)
    _add_in_admin(
        client, demo.users["resident@example.jp"], _case_agency(demo), "consultation_staff"
    )
    grant = MembershipGrant.objects.get()
    assert client.get(reverse("admin:accounts_membershipgrant_add")).status_code == 403
    assert (
        client.get(reverse("admin:accounts_membershipgrant_delete", args=[grant.pk])).status_code
        == 403
    )
    listing = client.get(reverse("admin:accounts_membershipgrant_changelist")).content.decode()
    assert "相談支援機関の職員" in listing and "承認待ち" in listing
    response = client.get(reverse("admin:accounts_membershipgrant_change", args=[grant.pk]))
    assert response.status_code == 200 and b'name="status"' not in response.content


def test_non_case_roles_apply_at_once(admins: tuple[Any, Any], client: Any, demo: Any) -> None:
    first, _ = admins
    resident = demo.users["resident@example.jp"]
    client.force_login(first)
    _add_in_admin(client, resident, demo.orgs["shakyo"], Role.COORDINATOR)
    assert Membership.objects.get(user=resident).is_active
    assert not MembershipGrant.objects.exists()


# Taking over a case worker's account is the other way into their agency's cases: the admin
# cannot change the password or the email addresses of someone who holds a case role.


def test_admin_cannot_set_a_case_workers_password(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    first, _ = admins
    staff = demo.users["staff.elderly@example.jp"]
    client.force_login(first)
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )
    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.check_password("a-new-long-passphrase")
    resident = demo.users["resident@example.jp"]
    assert (
        client.get(reverse("admin:auth_user_password_change", args=[resident.pk])).status_code
        == 200
    )


def test_admin_cannot_change_a_case_workers_email(
    admins: tuple[Any, Any], client: Any, demo: Any
) -> None:
    from allauth.account.models import EmailAddress

    first, _ = admins
    staff = demo.users["staff.elderly@example.jp"]
    client.force_login(first)
    form = client.get(reverse("admin:accounts_user_change", args=[staff.pk])).context["adminform"]
    assert "email" in form.readonly_fields
    address = EmailAddress.objects.get(user=staff)
    response = client.post(
        reverse("admin:account_emailaddress_change", args=[address.pk]),
        {"user": staff.pk, "email": "attacker@example.jp", "verified": "on", "primary": "on"},
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:account_emailaddress_add")).status_code == 403
    address.refresh_from_db()
    assert address.email == staff.email


def test_the_database_refuses_a_grant_approved_by_its_requester_or_grantee(
    admins: tuple[Any, Any], demo: Any
) -> None:
    from django.db import IntegrityError, transaction

    first, second = admins
    agency = _case_agency(demo)
    membership = MembershipFactory(
        user=second, organization=agency, role=Role.CONSULTATION_STAFF, is_active=False
    )
    grant = MembershipGrant.objects.create(
        membership=membership,
        user=second,
        organization=agency,
        role=Role.CONSULTATION_STAFF,
        requested_by=first,
    )
    for who in (first, second):
        with pytest.raises(IntegrityError), transaction.atomic():
            MembershipGrant.objects.filter(pk=grant.pk).update(status="approved", decided_by=who)
