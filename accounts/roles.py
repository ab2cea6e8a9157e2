"""Roles are derived from memberships (``directory.Membership``) and the superuser flag.

Every signed-in person is a resident; memberships add organization roles. The set is read
once per request and kept on the user object.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from directory.models import Role

from . import user_cache

# Roles whose membership opens case records (decision 0501): consultation staff read their
# agency's consultations and sheets, welfare coordinators their organization's outreach
# cases. Granting one in the admin needs a second administrator (``MembershipGrant``).
CASE_ROLES = frozenset({Role.CONSULTATION_STAFF, Role.WELFARE_COORDINATOR})


def holds_case_role(user: Any) -> bool:
    """Whether the user has a case-role membership, open or not: their account is a way into
    an agency's cases, so the admin may not change its password or email addresses."""
    return bool(user.memberships.filter(role__in=CASE_ROLES).exists())


ROLES_CACHE_SECONDS = 300


def _roles_key(user_id: Any) -> str:
    return f"roles:v1:{user_id}"


def totp_key(user_id: Any) -> str:
    """The cache key of "this user has an authenticator app" (``accounts.middleware.has_totp``)."""
    return f"totp:v1:{user_id}"


# Read with the other per-person entries in one round trip (``accounts.user_cache``).
user_cache.register("roles", _roles_key)
user_cache.register("totp", totp_key)


def roles_of(user: Any) -> frozenset[str]:
    """The user's roles, read once per request and kept in the cache between requests.

    ``roles_changed(user_id)`` drops the cached set; every place that changes memberships or
    the superuser flag calls it (the admin, seed_demo). The cache lifetime bounds the delay
    for anything that does not.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        stored = user_cache.cached(user, "roles")
        if stored is not None:
            cached = frozenset(stored)
        else:
            roles = {Role.RESIDENT.value}
            roles.update(
                user.memberships.filter(is_active=True).values_list("role", flat=True).distinct()
            )
            if user.is_superuser:
                roles.add(Role.ADMIN.value)
            cached = frozenset(roles)
            cache.set(_roles_key(user.pk), sorted(cached), ROLES_CACHE_SECONDS)
        user._portal_roles = cached
    return cached


def roles_changed(user_id: Any) -> None:
    cache.delete(_roles_key(user_id))
