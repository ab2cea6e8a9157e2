"""sessions/policies.py: who may reach and do what, and the state tables (decision 0012/0013)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from directory.models import District
from machida_portal.states import SYSTEM, system_may
from reminders.models import Reminder
from sessions import policies
from sessions.models import FutureSession, Invitation, Registration
from sessions.services import (
    action_create,
    action_review_record,
    invitation_create,
    invitation_respond,
    registration_cancel,
    registration_create,
    session_cancel,
    session_update,
    vision_save,
)
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_those_who_manage_sessions_run_every_one_the_organizer_their_own(
    role_users: dict[str, Any],
) -> None:
    organizer = role_users["member"]
    session = SessionFactory(by=organizer)
    other = SessionFactory(by=role_users["coordinator"])
    for name in ("coordinator", "admin"):
        assert policies.session_can(role_users[name], "manage", session)
    assert policies.session_can(organizer, "manage", session)
    assert not policies.session_can(organizer, "manage", other)
    for name in ("resident", "staff_elderly", "cwc", "city"):
        assert not policies.session_can(role_users[name], "manage", session)
    assert not policies.session_can(AnonymousUser(), "manage", session)
    assert set(policies.session_scope(organizer, "manage")) == {session}
    assert set(policies.session_scope(AnonymousUser(), "view")) == {session, other}
    assert not policies.session_scope(AnonymousUser(), "manage").exists()


def test_the_online_link_is_for_those_who_run_it_and_the_registered(
    coordinator: Any, resident: Any
) -> None:
    session = SessionFactory(by=coordinator, capacity=1)
    waiting = UserFactory()
    mine = registration_create(session=session, user=resident)
    theirs = registration_create(session=session, user=waiting)
    assert theirs.status == Registration.Status.WAITING
    assert policies.can_see_online_link(coordinator, session, None)
    assert policies.can_see_online_link(resident, session, mine)
    assert not policies.can_see_online_link(waiting, session, theirs)
    assert not policies.can_see_online_link(waiting, session, mine)  # not their registration
    assert not policies.can_see_online_link(AnonymousUser(), session, None)


def test_a_registration_is_cancelled_only_by_its_registrant(
    coordinator: Any, resident: Any
) -> None:
    session = SessionFactory(by=coordinator)
    registration = registration_create(session=session, user=resident)
    assert list(policies.registration_scope(resident, "cancel")) == [registration]
    assert not policies.registration_scope(coordinator, "cancel").exists()
    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, by=coordinator)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_moving_up_from_the_waiting_list_is_the_portal_s_move_only() -> None:
    table = policies.REGISTRATION_STATES
    assert table.action_for("waiting", "registered") == SYSTEM
    assert table.allowed("waiting", system_may) == ["registered"]
    assert table.action_for("cancelled", "registered") is None
    assert table.action_for("registered", "waiting") is None


def test_a_cancelled_session_stays_cancelled(coordinator: Any) -> None:
    session = SessionFactory(by=coordinator)
    session_cancel(session=session, by=coordinator)
    assert policies.SESSION_STATES.targets(FutureSession.Status.CANCELLED) == []
    with pytest.raises(ValidationError):
        session_cancel(session=session, by=coordinator)


def test_only_those_who_run_a_session_cancel_it(
    coordinator: Any, role_users: dict[str, Any]
) -> None:
    session = SessionFactory(by=coordinator)
    with pytest.raises(PermissionDenied):
        session_cancel(session=session, by=role_users["member"])
    session.refresh_from_db()
    assert session.status == FutureSession.Status.SCHEDULED


def test_an_invitation_is_answered_once(coordinator: Any, demo: Any) -> None:
    from sessions.services import InvitationLinkError

    session = SessionFactory(by=coordinator)
    invitation = invitation_create(session=session, by=coordinator, organization=demo.orgs["npo"])
    invitation_respond(invitation=invitation, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.responded_at is not None
    with pytest.raises(InvitationLinkError):
        invitation_respond(invitation=invitation, accept=False)
    assert policies.INVITATION_STATES.targets("accepted") == []


def test_a_vision_action_s_progress_is_recorded_by_its_owners_and_the_keepers(
    coordinator: Any, demo: Any, resident: Any
) -> None:
    vision = vision_save(district=District.objects.get(code="minami"), by=coordinator, vision="v")
    action = action_create(
        vision=vision, by=coordinator, title="t", owner=demo.orgs["npo"], target_year=2027
    )
    member = demo.users["member@example.jp"]
    assert policies.action_can(member, "review", action)
    assert policies.action_can(coordinator, "review", action)
    assert not policies.action_can(resident, "review", action)
    with pytest.raises(PermissionDenied):
        action_review_record(action=action, by=resident, status="done")
    action.refresh_from_db()
    assert action.status == "not_started"
    assert not action.reviews.exists()
    action_review_record(action=action, by=member, status="in_progress")
    action_review_record(action=action, by=member, status="in_progress", note="続けている")
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert action.reviews.get().note == "続けている"


def test_someone_who_left_an_owning_organization_is_not_reminded_before_the_meeting(
    coordinator: Any, demo: Any
) -> None:
    """Issue 12 (reminders for the wrong people): the action-owner reminders were cancelled
    by rebuilding keys from today's owners, so a member who had left kept theirs."""
    vision = vision_save(district=District.objects.get(code="minami"), by=coordinator, vision="v")
    action_create(
        vision=vision, by=coordinator, title="t", owner=demo.orgs["npo"], target_year=2027
    )
    start = timezone.now() + timedelta(days=30)
    meeting = SessionFactory(
        by=coordinator,
        kind=FutureSession.Kind.DISTRICT_MEETING,
        district=vision.district,
        starts_at=start,
    )
    member = demo.users["member@example.jp"]
    assert Reminder.objects.filter(recipient=member, status="pending").exists()
    member.memberships.update(is_active=False)

    session_update(session=meeting, by=coordinator, title="南地区 地区別懇談会")
    assert not Reminder.objects.filter(
        kind="future_session.action_owner", recipient=member, status="pending"
    ).exists()

    member.memberships.update(is_active=True)
    session_update(session=meeting, by=coordinator, title="南地区 懇談会")
    member.memberships.update(is_active=False)
    session_cancel(session=meeting, by=coordinator)
    assert not Reminder.objects.filter(
        kind="future_session.action_owner", recipient=member, status="pending"
    ).exists()
