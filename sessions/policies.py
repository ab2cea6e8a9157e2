"""Who may see and do what with future sessions, registrations, invitations and district
visions (decision 0012), and the state machines of their status fields (decision 0013).

* ``sessions.manage`` (accounts/capabilities.py): create, change, cancel and run every session,
  and keep the district visions and their actions.
* The organizer runs their own session (an object rule on top of the capability).
* A registrant cancels their own registration; nobody else's exists for them (404).
* An organization that owns a vision action records its progress.
* The online meeting link is shown to those who run the session and to people registered for
  it; the session page and every output (.ics, feeds) ask ``can_see_online_link``.
* Sessions, calendars, visions and invitations' answer pages are public.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.capabilities import can
from machida_portal.states import SYSTEM, StateMachine

from .models import (
    ActionStatus,
    FutureSession,
    Invitation,
    Registration,
    VisionAction,
)

MANAGE = "sessions.manage"


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def manages_every_session(user: Any) -> bool:
    """Whether ``user`` runs every session and keeps the district visions (page flags,
    whole pages through ``capability_required(MANAGE)``)."""
    return can(user, MANAGE)


def sees_every_linked_idea(user: Any) -> bool:
    """Whether the session page shows ``user`` every idea and project linked to a session
    (those who coordinate ideas), or only what a visitor sees."""
    return can(user, "ideas.coordinate")


# --- sessions -------------------------------------------------------------------------------


def session_scope(user: Any, action: str = "view") -> QuerySet[FutureSession]:
    """Every session is public: "view" reaches all of them (a session run by someone else is
    a 403 for "manage", not a 404). "manage" lists the sessions ``user`` runs."""
    qs = FutureSession.objects.public()
    if action == "view":
        return qs
    if action == "manage":
        if manages_every_session(user):
            return qs
        if not _signed_in(user):
            return qs.none()
        return qs.filter(organizer=user)
    raise ValueError(action)


def session_can(user: Any, action: str, session: FutureSession) -> bool:
    """``manage`` (edit, cancel, invite, check in, record the outcome, start a project):
    those who manage every session, and the organizer for their own."""
    if action == "manage":
        if not _signed_in(user):
            return False
        return manages_every_session(user) or session.organizer_id == user.pk
    raise ValueError(action)


def can_see_online_link(user: Any, session: FutureSession, registration: Any | None) -> bool:
    """The online meeting link is for those who run the session and for people registered for
    it (not on the waiting list). ``registration`` is ``user``'s live registration, if any.
    The session page, its .ics file and every other output that could carry the link ask
    this; a feed for anyone (district calendars) never carries it."""
    if session_can(user, "manage", session):
        return True
    return (
        registration is not None
        and registration.user_id == getattr(user, "pk", None)
        and registration.status == Registration.Status.REGISTERED
    )


# --- registrations --------------------------------------------------------------------------


def registration_scope(
    user: Any, action: str = "cancel", *, session: FutureSession | None = None
) -> QuerySet[Registration]:
    """``cancel``: the user's own registrations (another person's does not exist for them).
    ``attendance``: the registrations of ``session`` (which the caller has checked the user
    manages)."""
    if action == "cancel":
        if not _signed_in(user):
            return Registration.objects.none()
        return Registration.objects.filter(user=user)
    if action == "attendance":
        if session is None or not session_can(user, "manage", session):
            return Registration.objects.none()
        return session.registrations.all()
    raise ValueError(action)


def registration_can(user: Any, action: str, registration: Registration) -> bool:
    if action == "cancel":
        return _signed_in(user) and registration.user_id == user.pk
    if action == SYSTEM:
        return False  # the portal's own moves go through ``system_may``
    raise ValueError(action)


# --- invitations ----------------------------------------------------------------------------


def invitation_can(user: Any, action: str, invitation: Invitation) -> bool:
    """``respond``: the invitation's signed link is the authority. Whoever holds it (checked,
    with its age, by ``services.invitation_from_token``) answers without signing in, so
    ``user`` plays no part."""
    if action == "respond":
        return True
    raise ValueError(action)


# --- district visions -----------------------------------------------------------------------


def action_scope(user: Any, action: str = "view") -> QuerySet[VisionAction]:
    """Vision actions are public ("view"); "own" lists those of the user's organizations."""
    if action == "view":
        return VisionAction.objects.select_related("vision__district", "owner")
    if action == "own":
        return VisionAction.objects.owned_by(user)
    raise ValueError(action)


def action_can(user: Any, action: str, item: VisionAction) -> bool:
    """``review`` (record this year's progress): those who keep the visions, and members of
    the organization that owns the action."""
    if action == "review":
        if manages_every_session(user):
            return True
        return action_scope(user, "own").filter(pk=item.pk).exists()
    raise ValueError(action)


# --- state machines -------------------------------------------------------------------------

_S = FutureSession.Status
_R = Registration.Status
_I = Invitation.Status

# A session is cancelled by those who run it; a cancelled session stays cancelled.
SESSION_STATES = StateMachine(
    "future session",
    {(_S.SCHEDULED, _S.CANCELLED): "manage"},
)

# The registrant cancels (registered or waiting); the portal moves people up from the waiting
# list when seats free up (``SYSTEM``). A cancelled registration stays cancelled (registering
# again makes a new one).
REGISTRATION_STATES = StateMachine(
    "session registration",
    {
        (_R.REGISTERED, _R.CANCELLED): "cancel",
        (_R.WAITING, _R.CANCELLED): "cancel",
        (_R.WAITING, _R.REGISTERED): SYSTEM,
    },
)

# The holder of the invitation's link answers once.
INVITATION_STATES = StateMachine(
    "session invitation",
    {
        (_I.PENDING, _I.ACCEPTED): "respond",
        (_I.PENDING, _I.DECLINED): "respond",
    },
)

# A vision action's progress may go anywhere (a dropped action taken up again, a done one
# reopened); each year's ``ActionReview`` keeps what was recorded, so the review row, not a
# history table, is the action's history. ``ActionReview.status`` itself is that record's
# snapshot of the progress, not a state of its own.
ACTION_STATES = StateMachine(
    "vision action",
    {(a, b): "review" for a in ActionStatus.values for b in ActionStatus.values if a != b},
)


# --- reminders ------------------------------------------------------------------------------

# Kinds of the notices that carry a calendar event for one person.
SEAT_NOTICE = "future_session.seat"
INVITEE_UPDATE = "future_session.invitee_update"
# Kinds of the other notices to one person.
CANCELLED_NOTICE = "future_session.cancelled"
WITHDRAWN_NOTICE = "future_session.withdrawn"
AGENDA_OUTCOME_NOTICE = "future_session.agenda_outcome"


def reminder_groups() -> dict[str, str]:
    """Every notice of this app is in the sessions group, for the person's choice of email or
    LINE (registered from ``AppConfig.ready``)."""
    kinds = [
        SEAT_NOTICE,
        INVITEE_UPDATE,
        CANCELLED_NOTICE,
        WITHDRAWN_NOTICE,
        AGENDA_OUTCOME_NOTICE,
        "future_session.registrant",
        "future_session.outcome",
        "future_session.action_owner",
        "future_session.invitation",
        "future_session.invitation_reminder",
    ]
    return dict.fromkeys(kinds, "sessions")


def reminder_checks() -> dict[str, Any]:
    """Checks the reminders sender asks before sending a due notice of these kinds
    (registered from ``AppConfig.ready``): a seat notice (confirmation, moved up, the session
    changed — each with the event and, online, its link) goes only while the registration
    holds a seat; an invitee's update only while the invitation is not declined."""

    def seat_still_held(reminder: Any) -> bool:
        registration = reminder.about
        return (
            isinstance(registration, Registration)
            and registration.status == Registration.Status.REGISTERED
        )

    def invitation_still_open(reminder: Any) -> bool:
        invitation = reminder.about
        return (
            isinstance(invitation, Invitation) and invitation.status != Invitation.Status.DECLINED
        )

    return {SEAT_NOTICE: seat_still_held, INVITEE_UPDATE: invitation_still_open}
