"""The projects app's policy layer: scopes, cans, the idea state machine, and the two
timing defects it closed (issue 12: a stale board after a write; ack reminders cancelled
one query per coordinator)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from directory.models import Membership, Organization, Role
from projects.models import Idea, IdeaEvent, ProjectMember
from projects.policies import (
    COORDINATE,
    IDEA_STATES,
    SUBMIT,
    idea_can,
    idea_moves_for,
    idea_scope,
    project_can,
)
from projects.services import (
    _cancel_ack_reminders,
    idea_create,
    idea_submit,
    idea_transition,
    project_join,
)
from reminders.models import Reminder
from tests.factories import (
    IdeaFactory,
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Idea.Status


# --- defect 3: pages go stale after the write, never before --------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_visitor_served_while_an_idea_is_written_does_not_keep_the_old_board(
    monkeypatch: Any,
) -> None:
    """In autocommit (a plain request) the cache bump used to run *before* the service: a
    visitor served between the bump and the write cached the old board under the new
    generation, and every visitor after the write was served that old board."""
    visitor = Client()
    board = reverse("projects:idea_board")
    first = visitor.get(board)
    assert visitor.get(board)["X-Page-Cache"] == "hit", first  # the board is cached
    author = UserFactory(email="author.board@example.jp")

    original = Idea.full_clean

    def a_visitor_meanwhile(self: Idea, *args: Any, **kwargs: Any) -> None:
        visitor.get(board)  # served while the service runs, before its write
        original(self, *args, **kwargs)

    monkeypatch.setattr(Idea, "full_clean", a_visitor_meanwhile)
    idea_create(
        by=author,
        kind=Idea.Kind.WANT,
        title="川沿いでマルシェをひらきたい",
        description="月に一度、地域の野菜を売る市をひらきたいです。",
        is_public=True,
    )
    monkeypatch.undo()
    assert "川沿いでマルシェをひらきたい" in visitor.get(board).content.decode()


# --- defect 4b: ack reminders are cancelled by key prefix ----------------------------------


def _coordinators(n: int) -> list[Any]:
    org = OrganizationFactory()
    return [
        MembershipFactory(
            user=UserFactory(email=f"coord{i}.ack@example.jp"),
            organization=org,
            role=Role.COORDINATOR,
        ).user
        for i in range(n)
    ]


def test_the_first_answer_cancels_every_ack_reminder_in_one_query(
    role_users: Any, django_assert_num_queries: Any
) -> None:
    """One cancellation by key prefix (``reminders_cancel_matching``), however many
    coordinators were reminded; it used to read the keys, then cancel them one by one."""
    _coordinators(3)
    idea = IdeaFactory()
    pending = Reminder.objects.filter(
        idempotency_key__startswith=f"idea:{idea.pk}:ack:", status=Reminder.Status.PENDING
    )
    assert pending.count() >= 4  # the demo coordinator and three more
    with django_assert_num_queries(1):
        _cancel_ack_reminders(idea)
    assert not pending.exists()


def test_a_coordinator_who_left_is_not_reminded_after_the_first_answer(role_users: Any) -> None:
    (leaver,) = _coordinators(1)
    idea = IdeaFactory()
    key = f"idea:{idea.pk}:ack:{leaver.pk}"
    assert Reminder.objects.get(idempotency_key=key).status == Reminder.Status.PENDING
    Membership.objects.filter(user=leaver).update(is_active=False)
    idea_transition(idea=idea, to=S.COORDINATING, by=role_users["coordinator"])
    assert Reminder.objects.get(idempotency_key=key).status == Reminder.Status.CANCELLED


def test_ack_reminder_keys_carry_no_time() -> None:
    """The keys of an idea's reminders are ids only, so a prefix finds all of them."""
    from projects.services import _ack_key_prefix

    idea = Idea(pk=7)
    assert _ack_key_prefix(idea) == "idea:7:ack:"


# --- the idea state machine ------------------------------------------------------------------


def test_the_machine_has_exactly_the_moves_of_the_old_table() -> None:
    coordinator_moves = {
        S.RECEIVED: {S.COORDINATING, S.SESSION, S.PROJECT, S.CONNECTED, S.CLOSED, S.MERGED},
        S.COORDINATING: {S.SESSION, S.PROJECT, S.CONNECTED, S.CLOSED, S.MERGED},
        S.SESSION: {S.COORDINATING, S.PROJECT, S.CONNECTED, S.CLOSED},
        S.PROJECT: {S.CLOSED},
        S.CONNECTED: {S.COORDINATING, S.CLOSED},
        S.CLOSED: {S.COORDINATING},
        S.MERGED: set(),
    }
    expected = {(str(f), str(t)): COORDINATE for f, ts in coordinator_moves.items() for t in ts}
    expected[(S.DRAFT.value, S.RECEIVED.value)] = SUBMIT
    assert dict(IDEA_STATES.moves) == expected


def test_a_resident_cannot_move_a_sent_idea(role_users: Any) -> None:
    """Moving an idea is coordinators' work in the service too, not only behind the view."""
    idea = IdeaFactory()
    events = IdeaEvent.objects.filter(idea=idea).count()
    for who in ("resident", "member", "city", "staff_elderly"):
        with pytest.raises(PermissionDenied):
            idea_transition(idea=idea, to=S.CLOSED, by=role_users[who])
    idea.refresh_from_db()
    assert idea.status == S.RECEIVED
    assert IdeaEvent.objects.filter(idea=idea).count() == events


def test_only_the_author_sends_their_draft(role_users: Any) -> None:
    idea = IdeaFactory(draft=True)
    with pytest.raises(PermissionDenied):
        idea_submit(idea=idea, by=role_users["coordinator"])
    idea.refresh_from_db()
    assert idea.status == S.DRAFT
    idea_submit(idea=idea, by=role_users["resident"])
    idea.refresh_from_db()
    assert idea.status == S.RECEIVED
    step = IdeaEvent.objects.get(idea=idea)
    assert (step.from_status, step.to_status, step.by) == (
        S.DRAFT,
        S.RECEIVED,
        role_users["resident"],
    )


def test_every_move_writes_one_timeline_row(role_users: Any) -> None:
    idea = IdeaFactory()
    coordinator = role_users["coordinator"]
    idea_transition(idea=idea, to=S.COORDINATING, by=coordinator, message=" 確認します ")
    idea_transition(idea=idea, to=S.CLOSED, by=coordinator)
    steps = list(
        IdeaEvent.objects.filter(idea=idea).values_list("from_status", "to_status", "message")
    )
    assert steps[1:] == [
        (S.RECEIVED, S.COORDINATING, "確認します"),
        (S.COORDINATING, S.CLOSED, ""),
    ]


def test_the_idea_page_offers_only_the_moves_the_viewer_may_make(role_users: Any) -> None:
    idea = IdeaFactory()
    assert idea_moves_for(role_users["resident"], idea) == []
    assert idea_moves_for(role_users["coordinator"], idea) == sorted(
        IDEA_STATES.targets(S.RECEIVED)
    )
    draft = IdeaFactory(draft=True)
    assert idea_moves_for(role_users["coordinator"], draft) == []
    assert idea_moves_for(role_users["resident"], draft) == [S.RECEIVED]


# --- scopes and cans ---------------------------------------------------------------------


def test_idea_scope_by_viewer(role_users: Any) -> None:
    resident = role_users["resident"]
    public = IdeaFactory(title="公開")
    private = IdeaFactory(title="非公開", is_public=False)
    trouble = IdeaFactory(title="困りごと", kind=Idea.Kind.TROUBLE, is_public=True)
    draft = IdeaFactory(title="下書き", draft=True)
    other = IdeaFactory(title="ほかの人の非公開", is_public=False, by=role_users["member"])
    every = {public, private, trouble, draft, other}

    def seen(user: Any) -> set[Idea]:
        return set(idea_scope(user).filter(pk__in=[i.pk for i in every]))

    assert seen(AnonymousUser()) == {public}
    assert seen(resident) == {public, private, trouble, draft}
    assert seen(role_users["member"]) == {public, other}
    for who in ("coordinator", "cwc", "admin"):
        assert seen(role_users[who]) == every
    assert not idea_scope(resident, COORDINATE).exists()
    assert set(idea_scope(AnonymousUser(), "react").filter(pk__in=[i.pk for i in every])) == {
        public
    }


def test_contact_details_are_for_coordinators_and_the_author(role_users: Any) -> None:
    idea = IdeaFactory()
    assert idea_can(role_users["resident"], "see_contact", idea)
    assert idea_can(role_users["coordinator"], "see_contact", idea)
    assert not idea_can(role_users["member"], "see_contact", idea)
    assert not idea_can(AnonymousUser(), "see_contact", idea)


def test_a_project_is_edited_by_coordinators_and_its_organizers(role_users: Any) -> None:
    organizer = UserFactory(email="organizer.policy@example.jp")
    project = ProjectFactory(
        title="川をきれいに", purpose="清掃", by=role_users["coordinator"], lead_user=organizer
    )
    joiner = role_users["member"]
    project_join(project=project, user=joiner)
    assert ProjectMember.objects.get(user=organizer).role == ProjectMember.Role.ORGANIZER
    assert project_can(organizer, "edit", project)
    assert project_can(role_users["coordinator"], "edit", project)
    assert not project_can(joiner, "edit", project)
    assert not project_can(AnonymousUser(), "edit", project)
    assert not project_can(role_users["city"], "edit", project)


def test_ideas_can_be_assigned_only_to_coordinators(role_users: Any) -> None:
    from projects.policies import coordinator_users

    ids = set(coordinator_users().values_list("pk", flat=True))
    assert role_users["coordinator"].pk in ids and role_users["cwc"].pk in ids
    assert role_users["admin"].pk in ids
    assert role_users["resident"].pk not in ids and role_users["city"].pk not in ids


def test_an_unknown_action_is_a_programming_error(role_users: Any) -> None:
    with pytest.raises(ValueError):
        idea_can(role_users["coordinator"], "delete", IdeaFactory())


def test_an_organization_in_the_directory_is_not_a_coordinator() -> None:
    """Guard against a capability table change slipping through: members of a community
    group do not coordinate ideas."""
    member = MembershipFactory(
        user=UserFactory(email="group.member@example.jp"),
        organization=OrganizationFactory(kind=Organization.Kind.COMMUNITY_GROUP),
        role=Role.MEMBER,
    ).user
    idea = idea_create(by=member, kind=Idea.Kind.WANT, title="t", description="d", is_public=True)
    assert not idea_can(member, COORDINATE, idea)
