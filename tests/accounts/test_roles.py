from typing import Any

import pytest
from django.urls import reverse

from accounts.roles import roles_of
from directory.models import Organization, Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_come_from_active_memberships_and_superuser() -> None:
    user = UserFactory()
    org = OrganizationFactory(name="社協", kind=Organization.Kind.SHAKYO)
    MembershipFactory(user=user, organization=org, role=Role.COORDINATOR)
    MembershipFactory(user=user, organization=org, role=Role.CITY_STAFF, is_active=False)
    assert roles_of(user) == {"resident", "coordinator"}


def test_changing_a_membership_in_the_admin_takes_effect_at_once(client: Any, demo: Any) -> None:
    resident = demo.users["resident@example.jp"]
    fresh = type(resident).objects.get(pk=resident.pk)
    assert "coordinator" not in roles_of(fresh)  # now cached
    client.force_login(demo.users["admin@example.jp"])
    response = client.post(
        reverse("admin:directory_membership_add"),
        {
            "user": resident.pk,
            "organization": demo.orgs["shakyo"].pk,
            "role": "coordinator",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert "coordinator" in roles_of(type(resident).objects.get(pk=resident.pk))
