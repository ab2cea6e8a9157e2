"""Races on PostgreSQL: two posts of the same form, two presses of the same button."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from projects.models import Idea, IdeaReaction
from projects.services import idea_create, idea_react


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
