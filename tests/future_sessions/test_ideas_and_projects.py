from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Idea, Project
from reminders.models import Reminder
from sessions.models import Invitation
from sessions.services import invitations_for_agenda_authors, outcome_record
from tests.factories import IdeaFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _idea(author: Any, title: str = "空き家を居場所にしたい", **kw: Any) -> Idea:
    return IdeaFactory(by=author, title=title, description="説明", **kw)


def _past(coordinator: Any, **kw: Any) -> Any:
    return SessionFactory(by=coordinator, starts_at=timezone.now() - timedelta(hours=3), **kw)


def test_putting_an_idea_on_the_agenda_tells_its_author(coordinator: Any, resident: Any) -> None:
    idea = _idea(resident)
    session = SessionFactory(by=coordinator, agenda_ideas=[idea])
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SESSION
    assert list(session.agenda_ideas.all()) == [idea]
    assert Reminder.objects.filter(
        recipient=resident, subject__contains="フューチャーセッションで取り上げ"
    ).exists()


def test_agenda_idea_authors_are_invited_once(coordinator: Any, resident: Any) -> None:
    session = SessionFactory(
        by=coordinator, agenda_ideas=[_idea(resident), _idea(resident, title="二つ目")]
    )
    assert len(invitations_for_agenda_authors(session=session, by=coordinator)) == 1
    assert invitations_for_agenda_authors(session=session, by=coordinator) == []
    assert Invitation.objects.get().user == resident


def test_outcome_creates_ideas_linked_to_the_session_and_tells_agenda_authors_once(
    coordinator: Any, resident: Any
) -> None:
    idea = _idea(resident)
    session = _past(coordinator, agenda_ideas=[idea])
    for _ in range(2):
        outcome_record(
            session=session,
            by=coordinator,
            summary="空き家の持ち主と自治会が話し合うことになりました。",
            participant_count=12,
            new_ideas=["空き家マップをつくる", "", "週末の縁側カフェ"],
        )
    generated = list(session.generated_ideas.order_by("title").values_list("title", flat=True))
    assert generated == ["空き家マップをつくる", "週末の縁側カフェ"]
    assert (
        Reminder.objects.filter(
            recipient=resident,
            idempotency_key=f"session:{session.pk}:agenda-idea:{idea.pk}:outcome",
        ).count()
        == 1
    )


def test_project_started_from_the_session_is_prefilled(
    client: Any, coordinator: Any, resident: Any, demo: Any
) -> None:
    from directory.models import District

    idea = _idea(resident)
    session = _past(
        coordinator,
        agenda_ideas=[idea],
        district=District.objects.get(code="tsurukawa"),
        organizer_organization=demo.orgs["shakyo"],
    )
    outcome_record(session=session, by=coordinator, summary="居場所を始める", participant_count=9)
    client.force_login(coordinator)
    url = reverse("future_sessions:project_start", kwargs={"pk": session.pk})
    form = client.get(url).content.decode()
    assert "居場所を始める" in form  # the purpose is prefilled from the outcome
    response = client.post(url, {"title": "鶴川の空き家居場所", "purpose": "空き家を週1回ひらく"})
    project = Project.objects.get()
    assert response["Location"] == reverse("projects:project_detail", kwargs={"pk": project.pk})
    assert list(project.ideas.all()) == [idea]
    assert list(project.districts.values_list("code", flat=True)) == ["tsurukawa"]
    assert project.lead_organization == demo.orgs["shakyo"]
    assert list(session.resulting_projects.all()) == [project]
    idea.refresh_from_db()
    assert idea.status == Idea.Status.PROJECT
    page = client.get(reverse("future_sessions:session_detail", kwargs={"pk": session.pk}))
    assert "鶴川の空き家居場所" in page.content.decode()


def test_a_private_agenda_idea_is_not_shown_to_visitors(
    client: Any, coordinator: Any, resident: Any
) -> None:
    secret = _idea(resident, title="家族の介護でつらい", kind=Idea.Kind.TROUBLE, is_public=False)
    session = SessionFactory(
        by=coordinator, agenda_ideas=[secret, _idea(resident, title="公開のアイデア")]
    )
    body = client.get(
        reverse("future_sessions:session_detail", kwargs={"pk": session.pk})
    ).content.decode()
    assert "公開のアイデア" in body
    assert "家族の介護でつらい" not in body


def test_meeting_pack_lists_the_districts_ideas_and_projects(
    client: Any, coordinator: Any, resident: Any
) -> None:
    from directory.models import District
    from projects.services import project_create

    minami = District.objects.get(code="minami")
    _idea(resident, title="南の公園で朝ラジオ体操", district=minami)
    project_create(title="南の見守り隊", purpose="見守り", by=coordinator, districts=[minami])
    body = client.get(
        reverse("future_sessions:meeting_pack", kwargs={"code": "minami"})
    ).content.decode()
    assert "南の公園で朝ラジオ体操" in body and "南の見守り隊" in body


def test_session_page_query_count_does_not_grow_with_linked_ideas_and_projects(
    client: Any, coordinator: Any, resident: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.services import project_create

    session = SessionFactory(by=coordinator, agenda_ideas=[_idea(resident, title="最初")])
    client.force_login(resident)
    url = reverse("future_sessions:session_detail", kwargs={"pk": session.pk})

    def count() -> int:
        client.get(url)  # warm: roles and the unread count are cached between requests
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    ideas = [_idea(resident, title=f"アイデア{i}") for i in range(8)]
    session.agenda_ideas.add(*ideas)
    session.generated_ideas.add(*ideas[:4])
    for i in range(3):
        session.resulting_projects.add(
            project_create(title=f"計画{i}", purpose="目的", by=coordinator)
        )
    assert count() == one
