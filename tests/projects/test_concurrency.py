"""Races on PostgreSQL: two posts of the same form, two presses of the same button."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from projects.models import Idea, IdeaReaction
from projects.services import idea_create, idea_react
from tests.factories import MembershipFactory


def _race(n: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_stores_one_idea(postgres: Any, role_users: Any) -> None:
    token = uuid.uuid4()
    results = _race(
        4,
        lambda: (
            idea_create(
                by=role_users["resident"],
                kind="want",
                title="同時送信",
                description="二重送信のテスト",
                submission_token=token,
            ).pk
        ),
    )
    assert Idea.objects.count() == 1
    assert len(set(results)) == 1


@pytest.mark.django_db(transaction=True)
def test_pressing_support_twice_at_once_counts_once(postgres: Any, role_users: Any) -> None:
    idea = idea_create(
        by=role_users["resident"], kind="want", title="t", description="d", is_public=True
    )
    _race(2, lambda: idea_react(idea=idea, user=role_users["member"], kind="support"))
    assert IdeaReaction.objects.filter(idea=idea, user=role_users["member"]).count() <= 1


def _merge_race(pairs: list[tuple[Idea, Idea]], by: list[Any]) -> list[str]:
    from django.core.exceptions import ValidationError

    from projects.services import idea_merge

    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def run(source: Idea, target: Idea, user: Any) -> None:
        try:
            barrier.wait()
            idea_merge(source=source, target=target, by=user)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(s, t, u)) for (s, t), u in zip(pairs, by, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def _two_ideas_with_supporters(role_users: dict[str, Any]) -> tuple[Idea, Idea]:
    a, b = (
        idea_create(
            by=role_users["resident"], kind="want", title=t, description="d", is_public=True
        )
        for t in ("同じ話A", "同じ話B")
    )
    for idea in (a, b):
        idea_react(idea=idea, user=role_users["member"], kind="support")
    return a, b


def _second_coordinator(role_users: dict[str, Any]) -> Any:
    from directory.models import Membership
    from tests.factories import UserFactory

    first = Membership.objects.filter(user=role_users["coordinator"]).first()
    assert first is not None
    second = UserFactory(email="coordinator2@example.jp")
    MembershipFactory(user=second, organization=first.organization, role=first.role)
    return second


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_merging_the_same_ideas_leave_one_merge(
    postgres: Any, role_users: Any
) -> None:
    from projects.models import IdeaEvent

    a, b = _two_ideas_with_supporters(role_users)
    second = _second_coordinator(role_users)
    outcomes = _merge_race([(a, b), (a, b)], [role_users["coordinator"], second])
    assert outcomes == ["ok", "refused"]
    a.refresh_from_db()
    assert a.status == Idea.Status.MERGED and a.merged_into_id == b.pk
    assert IdeaEvent.objects.filter(idea=a, to_status=Idea.Status.MERGED).count() == 1
    assert IdeaEvent.objects.filter(idea=b, message__contains="同じ話A").count() == 1
    assert IdeaReaction.objects.filter(idea=b, user=role_users["member"]).count() == 1
    assert not IdeaReaction.objects.filter(idea=a).exists()


@pytest.mark.django_db(transaction=True)
def test_crossed_merges_at_once_never_make_a_cycle(postgres: Any, role_users: Any) -> None:
    a, b = _two_ideas_with_supporters(role_users)
    second = _second_coordinator(role_users)
    outcomes = _merge_race([(a, b), (b, a)], [role_users["coordinator"], second])
    assert outcomes == ["ok", "refused"]
    a.refresh_from_db()
    b.refresh_from_db()
    merged = [i for i in (a, b) if i.status == Idea.Status.MERGED]
    assert len(merged) == 1
    survivor = b if merged[0] == a else a
    assert survivor.merged_into_id is None and survivor.status != Idea.Status.MERGED
    assert merged[0].merged_into_id == survivor.pk
