"""Who may manage sessions: coordinators (and administrators) for every session, the organizer
for their own."""

from __future__ import annotations

from typing import Any

from accounts.roles import has_role
from directory.models import Role


def is_session_coordinator(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR, Role.ADMIN)


def can_manage(user: Any, session: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return is_session_coordinator(user) or session.organizer_id == user.pk
