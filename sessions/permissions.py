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


def can_see_online_link(user: Any, session: Any, registration: Any | None) -> bool:
    """The online meeting link is for those who run the session and for people registered for
    it (not on the waiting list). ``registration`` is ``user``'s live registration, if any.
    The session page, its .ics file and anything else that shows the link ask this."""
    if can_manage(user, session):
        return True
    return (
        registration is not None
        and registration.user_id == getattr(user, "pk", None)
        and registration.status == "registered"
    )
