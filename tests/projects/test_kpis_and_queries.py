from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.registry import registered
from projects.models import Idea, IdeaReaction, ProjectActivity, ProjectMember
from projects.selectors import (
    median_days_to_first_response,
    participants,
    projects_carried_out,
)
from projects.services import project_join
from tests.factories import IdeaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def test_projects_carried_out_in_a_fiscal_year(role_users: Any, district: Any) -> None:
    c = role_users["coordinator"]
    # FY2025 = 2025-04-01 … 2026-03-31
    ProjectFactory(
        by=c,
        title="期間が重なる",
        status="active",
        start_date=date(2025, 1, 1),
        districts=[district],
    )
    ProjectFactory(
        by=c,
        title="完了",
        status="completed",
        start_date=date(2025, 4, 1),
        end_date=date(2025, 6, 1),
    )
    ProjectFactory(
        by=c,
        title="前年度に終了",
        status="completed",
        start_date=date(2024, 4, 1),
        end_date=date(2025, 3, 31),
    )
    ProjectFactory(by=c, title="準備中", status="planning", start_date=date(2025, 5, 1))
    logged = ProjectFactory(by=c, title="記録のみ", status="planning")
    ProjectActivity.objects.create(project=logged, date=date(2026, 3, 31), text="t")
    titles = set(projects_carried_out(2025).values_list("title", flat=True))
    assert titles == {"期間が重なる", "完了", "記録のみ"}
    assert projects_carried_out(2025, district).count() == 1
    assert registered()["II-2"].compute(2025, None) == 3


def test_participants_are_distinct_people_plus_imported_counts(role_users: Any) -> None:
    c = role_users["coordinator"]
    a = ProjectFactory(by=c, title="A", status="active", start_date=date(2025, 4, 1))
    b = ProjectFactory(by=c, title="B", status="active", start_date=date(2025, 4, 1))
    ProjectFactory(
        by=c,
        title="過去",
        status="completed",
        start_date=date(2025, 5, 1),
        end_date=date(2025, 5, 2),
        imported_participants=40,
    )
    for user in (role_users["resident"], role_users["member"]):
        project_join(project=a, user=user)
        project_join(project=b, user=user)
    ProjectMember.objects.update(joined_on=date(2025, 5, 1))
    assert participants(2025) == 2 + 40
    assert registered()["II-1"].compute(2025, None) == 42


def test_ideas_received_and_median_days_to_first_response(role_users: Any) -> None:
    base = datetime(2025, 6, 1, 10, tzinfo=TOKYO)
    for days in (1, 3, 10):
        idea = IdeaFactory()
        Idea.objects.filter(pk=idea.pk).update(
            created_at=base, first_response_at=base + timedelta(days=days)
        )
    unanswered = IdeaFactory()
    Idea.objects.filter(pk=unanswered.pk).update(created_at=base, first_response_at=None)
    assert registered()["OP-IDEAS-RECEIVED"].compute(2025, None) == 4
    assert median_days_to_first_response(2025) == 3.0
    assert median_days_to_first_response(2024) is None


def _count(client: Any, url: str) -> int:
    client.get(url)  # warm the per-user caches (roles, unread count): compare steady states
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _more_ideas(n: int, author: Any, theme: Any, district: Any) -> None:
    from directory.search import search_document

    ideas = Idea.objects.bulk_create(
        [
            Idea(
                kind="want",
                title=f"アイデア{i}",
                description="d",
                is_public=True,
                author=author,
                district=district,
                assigned_to=author,
                search_document=search_document(f"アイデア{i}"),
            )
            for i in range(n)
        ]
    )
    Idea.themes.through.objects.bulk_create(
        [Idea.themes.through(idea_id=i.pk, theme_id=theme.pk) for i in ideas]
    )
    users = [UserFactory() for _ in range(3)]
    IdeaReaction.objects.bulk_create(
        [IdeaReaction(idea=i, user=u, kind="join") for i in ideas for u in users]
    )


def _offers_needs_matches(n: int, users: Any, theme: Any, district: Any) -> None:
    from projects.services import match_propose, need_create, offer_create

    for _ in range(n):
        offer = offer_create(
            owner=users["member"],
            title="o",
            description="d",
            offer_types=["time"],
            contact="c",
            themes=[theme],
            districts=[district],
        )
        need = need_create(
            by=users["member"],
            title="n",
            description="d",
            source="recruitment",
            need_types=["time"],
            themes=[theme],
            district=district,
        )
        match_propose(need=need, offer=offer, by=users["coordinator"])


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("anonymous", "projects:idea_board"),
        ("resident", "projects:idea_board"),
        ("coordinator", "projects:inbox"),
        ("resident", "projects:idea_mine"),
        ("anonymous", "projects:project_list"),
        ("anonymous", "projects:offer_list"),
        ("anonymous", "projects:need_list"),
        ("member", "projects:match_list"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    client: Any,
    role_users: Any,
    theme: Any,
    district: Any,
    role: str,
    url_name: str,
) -> None:
    if role != "anonymous":
        client.force_login(role_users[role])
    author = role_users["resident"]
    IdeaFactory(themes=[theme], district=district)
    ProjectFactory(by=role_users["coordinator"], title="P0", districts=[district], themes=[theme])
    _offers_needs_matches(1, role_users, theme, district)
    url = reverse(url_name)
    small = _count(client, url)
    _more_ideas(30, author, theme, district)
    for i in range(25):
        ProjectFactory(
            by=role_users["coordinator"], title=f"P{i + 1}", districts=[district], themes=[theme]
        )
    _offers_needs_matches(15, role_users, theme, district)
    large = _count(client, url)
    assert large == small, (small, large)


def test_project_page_query_count_does_not_grow_with_members_and_activities(
    client: Any, role_users: Any, theme: Any, district: Any
) -> None:
    project = ProjectFactory(
        by=role_users["coordinator"],
        title="P",
        districts=[district],
        themes=[theme],
        ideas=[IdeaFactory()],
        lead_user=role_users["member"],
    )
    url = reverse("projects:project_detail", kwargs={"pk": project.pk})
    client.force_login(role_users["resident"])
    small = _count(client, url)
    for _ in range(20):
        project_join(project=project, user=UserFactory())
    ProjectActivity.objects.bulk_create(
        [ProjectActivity(project=project, date=date(2026, 5, i + 1), text="t") for i in range(20)]
    )
    assert _count(client, url) == small


def test_idea_detail_query_count_does_not_grow_with_history(client: Any, role_users: Any) -> None:
    from projects.services import idea_note_add, idea_reply

    idea = IdeaFactory()
    url = reverse("projects:idea_detail", kwargs={"pk": idea.pk})
    client.force_login(role_users["coordinator"])
    small = _count(client, url)
    for i in range(10):
        idea_reply(idea=idea, by=role_users["coordinator"], message=f"m{i}")
        idea_note_add(idea=idea, by=role_users["coordinator"], text=f"n{i}")
    assert _count(client, url) <= small + 1  # personal-data view log row per visit


def test_ideas_open_for_a_session_exclude_finished_ones(role_users: Any) -> None:
    from projects.selectors import ideas_open_for_session
    from projects.services import idea_transition

    open_idea = IdeaFactory(title="open")
    closed = IdeaFactory(title="closed")
    idea_transition(idea=closed, to=Idea.Status.CLOSED, by=role_users["coordinator"])
    titles = list(
        ideas_open_for_session(user=role_users["coordinator"]).values_list("title", flat=True)
    )
    assert titles == [open_idea.title]
