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

from .models import Membership, Resource


def resource_scope(user: Any, action: str = "view") -> QuerySet[Resource]:
    """Active resources, for every action; a withdrawn listing is a 404 for everyone."""
    return Resource.objects.filter(is_active=True)


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
