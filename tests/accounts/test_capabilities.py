"""The capability table (decision 0012): the one place where a role becomes a power."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.capabilities import (
    CAPABILITIES,
    can,
    capabilities_for_role,
    capabilities_of,
    roles_with,
)
from accounts.management.commands.capabilities_table import readme_with_table
from directory.models import Role

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_table_is_the_generated_one() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_table(text) == text, (
        "README's 'Who may do what' is stale: python manage.py capabilities_table --write"
    )


def test_every_capability_is_held_by_a_known_role() -> None:
    known = {r.value for r in Role}
    for cap in CAPABILITIES.values():
        assert cap.roles, cap.name
        assert cap.roles <= known, cap.name


@pytest.mark.parametrize(
    "role, expected",
    [
        (Role.RESIDENT, {"ideas.submit"}),
        (Role.MEMBER, {"needs.post"}),
        (
            Role.COORDINATOR,
            {"needs.post", "ideas.coordinate", "ideas.hand_off", "sessions.manage", "portal.staff"},
        ),
        (Role.CONSULTATION_STAFF, {"cases.handle", "portal.staff"}),
        (
            Role.WELFARE_COORDINATOR,
            {"needs.post", "ideas.coordinate", "ideas.hand_off", "outreach.handle", "portal.staff"},
        ),
        (Role.CITY_STAFF, {"cases.oversee", "kpis.edit", "portal.staff"}),
        (
            Role.ADMIN,
            {
                "needs.post",
                "ideas.coordinate",
                "sessions.manage",
                "cases.oversee",
                "kpis.edit",
                "directory.verify_any",
                "portal.staff",
            },
        ),
    ],
)
def test_what_each_role_may_do(role: str, expected: set[str]) -> None:
    """The meaning the role checks had before the table: a change here is a change of who
    may do what, and should be one on purpose."""
    assert capabilities_for_role(role) == frozenset(expected)


@pytest.mark.django_db
def test_a_user_holds_the_capabilities_of_their_roles(role_users: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert capabilities_of(AnonymousUser()) == frozenset()
    assert can(role_users["resident"], "ideas.submit")
    assert not can(role_users["resident"], "cases.handle")
    assert can(role_users["staff_elderly"], "cases.handle")
    assert roles_with("cases.handle") == {Role.CONSULTATION_STAFF}


def test_an_unknown_capability_is_a_programming_error() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(KeyError):
        can(AnonymousUser(), "cases.hadnle")
