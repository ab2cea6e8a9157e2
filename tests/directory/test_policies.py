"""``directory.policies``: the directory is public; verifying a listing belongs to its
organization's members and to administrators (``directory.verify_any``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from directory.models import Membership, Resource
from directory.policies import resource_can, resource_scope
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _owned_by_member(role_users: dict[str, Any]) -> Resource:
    org = Membership.objects.get(user=role_users["member"]).organization
    return ResourceFactory.create(name="こども食堂", kind=Resource.Kind.DROP_IN, organization=org)


def test_active_resources_are_in_scope_for_everyone(role_users: dict[str, Any]) -> None:
    resource = _owned_by_member(role_users)
    gone = ResourceFactory.create(organization=resource.organization, is_active=False)
    for user in [AnonymousUser(), *role_users.values()]:
        for action in ("view", "verify"):
            reached = set(resource_scope(user, action).filter(pk__in=[resource.pk, gone.pk]))
            assert reached == {resource}


def test_members_of_the_owning_organization_and_administrators_verify(
    role_users: dict[str, Any],
) -> None:
    resource = _owned_by_member(role_users)
    may = {name for name, user in role_users.items() if resource_can(user, "verify", resource)}
    assert may == {"member", "admin"}
    assert not resource_can(AnonymousUser(), "verify", resource)
    assert all(resource_can(u, "view", resource) for u in [AnonymousUser(), *role_users.values()])


def test_a_member_who_left_or_of_another_organization_does_not_verify(
    role_users: dict[str, Any],
) -> None:
    resource = _owned_by_member(role_users)
    member = role_users["member"]
    elsewhere = ResourceFactory.create()  # another organization's
    assert not resource_can(member, "verify", elsewhere)
    Membership.objects.filter(user=member, organization=resource.organization).update(
        is_active=False
    )
    assert not resource_can(member, "verify", resource)


def test_the_verify_button_shows_for_those_who_may(client: Any, role_users: dict[str, Any]) -> None:
    resource = _owned_by_member(role_users)
    url = reverse("directory:resource_detail", kwargs={"pk": resource.pk})
    verify = reverse("directory:resource_verify", kwargs={"pk": resource.pk})
    for name, user in role_users.items():
        client.force_login(user)
        shown = verify in client.get(url).content.decode()
        assert shown is (name in {"member", "admin"}), name


def test_a_closed_organizations_resource_is_gone_everywhere_alike(client: Any, demo: Any) -> None:
    """One rule for the page, the search and the HSDS API: a listing whose organization has
    closed is not public (it was shown on the page and in the search, hidden in the API)."""
    resource = ResourceFactory(name="閉じた団体の居場所テスト")
    resource.organization.is_active = False
    resource.organization.save()
    assert resource not in resource_scope(AnonymousUser())
    detail = client.get(reverse("directory:resource_detail", args=[resource.pk]))
    assert detail.status_code == 404
    search = client.get(reverse("directory:resource_list"), {"q": "閉じた団体の居場所"})
    assert "閉じた団体の居場所テスト" not in search.content.decode()
    api = client.get(f"/api/hsds/services/{resource.uuid}")
    assert api.status_code == 404
