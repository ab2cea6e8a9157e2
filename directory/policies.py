"""Who may see and change the resource directory (decision 0012).

Districts, organizations and active resources are public: anyone, signed in or not, may
read them (the pages are cached for anonymous visitors). The one thing a visitor does to a
listing is to confirm it is still correct ("verify"): members of the organization that runs
the resource may, for their own listings, and holders of ``directory.verify_any``
(administrators) for any. Everything else is edited in the admin.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.capabilities import can

from .models import Membership, Organization, Resource


def organization_scope(user: Any, action: str = "view") -> QuerySet[Organization]:
    """Active organizations: the public directory, the HSDS API and the pages all show these."""
    return Organization.objects.filter(is_active=True)


def resource_scope(user: Any, action: str = "view") -> QuerySet[Resource]:
    """Active resources of active organizations, for every action: a withdrawn listing, or one
    whose organization has closed, is a 404 for everyone — on the pages, in the search and in
    the HSDS API alike."""
    return Resource.objects.filter(is_active=True, organization__is_active=True)


def resource_can(user: Any, action: str, resource: Resource) -> bool:
    if action == "view":
        return True
    if action != "verify" or not getattr(user, "is_authenticated", False):
        return False
    return (
        can(user, "directory.verify_any")
        or Membership.objects.filter(
            user=user, organization_id=resource.organization_id, is_active=True
        ).exists()
    )
