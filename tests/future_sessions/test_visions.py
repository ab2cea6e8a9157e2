from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.fiscal import fiscal_year_of
from directory.models import District, Organization
from reminders.models import Reminder
from sessions.models import ActionReview, FutureSession, VisionAction
from sessions.services import action_create, vision_save
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vision(coordinator: Any) -> Any:
    return vision_save(
        district=District.objects.get(code="minami"),
        by=coordinator,
        vision="子どもから高齢者まで、顔の見える関係があるまち",
    )


@pytest.fixture
def npo_action(vision: Any, coordinator: Any, demo: Any) -> Any:
    return action_create(
        vision=vision,
        by=coordinator,
        title="子ども食堂を月2回にする",
        kind=VisionAction.Kind.WANT_TO_DO,
        owner=demo.orgs["npo"],
        target_year=2027,
    )


def test_owner_updates_their_own_action_from_a_phone(
    client: Any, npo_action: Any, demo: Any
) -> None:
    client.force_login(demo.users["member@example.jp"])
    url = reverse("future_sessions:action_update", kwargs={"pk": npo_action.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"status": "in_progress", "note": "月1回から始めた", "evidence": "参加 40 人"}
    )
    assert response.status_code == 302
    npo_action.refresh_from_db()
    assert npo_action.status == "in_progress"
    review = ActionReview.objects.get()
    assert review.fiscal_year == fiscal_year_of(timezone.now())
    # Recording again in the same year updates the one review.
    client.post(url, {"status": "done", "note": "達成", "evidence": ""})
    assert ActionReview.objects.count() == 1
    assert ActionReview.objects.get().status == "done"


def test_someone_elses_action_cannot_be_updated(client: Any, npo_action: Any, demo: Any) -> None:
    client.force_login(demo.users["resident@example.jp"])
    url = reverse("future_sessions:action_update", kwargs={"pk": npo_action.pk})
    assert client.post(url, {"status": "done"}).status_code == 403
    npo_action.refresh_from_db()
    assert npo_action.status == "not_started"


def test_action_owners_are_reminded_before_the_district_meeting(
    coordinator: Any, npo_action: Any, demo: Any
) -> None:
    start = timezone.now() + timedelta(days=30)
    meeting = SessionFactory(
        by=coordinator,
        kind=FutureSession.Kind.DISTRICT_MEETING,
        district=District.objects.get(code="minami"),
        starts_at=start,
    )
    reminder = Reminder.objects.get(kind="future_session.action_owner")
    assert reminder.recipient == demo.users["member@example.jp"]
    assert reminder.due_at == start - timedelta(days=14)
    # Scheduling the same meeting's reminders again keeps exactly one.
    from sessions.services import session_update

    session_update(session=meeting, by=coordinator, title="南地区 地区別懇談会")
    assert Reminder.objects.filter(kind="future_session.action_owner").count() == 1


def test_meeting_pack_shows_progress_and_upcoming_sessions(
    client: Any, coordinator: Any, npo_action: Any
) -> None:
    SessionFactory(by=coordinator, title="南の懇談会", district=District.objects.get(code="minami"))
    body = client.get(
        reverse("future_sessions:meeting_pack", kwargs={"code": "minami"})
    ).content.decode()
    assert "子ども食堂を月2回にする" in body
    assert "南の懇談会" in body
    assert "顔の見える関係" in body


def test_meeting_pack_query_count_does_not_grow_with_actions(
    client: Any, coordinator: Any, vision: Any, demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("future_sessions:meeting_pack", kwargs={"code": "minami"})
    owner = demo.orgs["npo"]

    def add(n: int) -> None:
        for i in range(n):
            action = action_create(
                vision=vision, by=coordinator, title=f"取り組み{i}", owner=owner, target_year=2028
            )
            ActionReview.objects.create(
                action=action, fiscal_year=2026, status="in_progress", reviewed_by=coordinator
            )
            SessionFactory(by=coordinator, title=f"南{i}", district=vision.district)

    with django_capture_on_commit_callbacks(execute=True):  # pages go stale on commit
        add(1)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        add(12)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one.captured_queries) == len(many.captured_queries)
    with CaptureQueriesContext(connection) as detail:
        client.get(reverse("future_sessions:vision_detail", kwargs={"code": "minami"}))
    assert len(detail.captured_queries) < 15


def test_coordinator_writes_the_vision_and_adds_actions(
    client: Any, coordinator: Any, demo: Any
) -> None:
    client.force_login(coordinator)
    client.post(
        reverse("future_sessions:vision_edit", kwargs={"code": "tadao"}),
        {"vision": "みどりと共に暮らすまち"},
    )
    response = client.post(
        reverse("future_sessions:action_create", kwargs={"code": "tadao"}),
        {
            "title": "里山の見守り散歩",
            "kind": "can_do",
            "owner": demo.orgs["group"].pk,
            "target_year": "1999",
        },
    )
    assert "西暦4桁" in response.content.decode()
    client.post(
        reverse("future_sessions:action_create", kwargs={"code": "tadao"}),
        {
            "title": "里山の見守り散歩",
            "kind": "can_do",
            "owner": demo.orgs["group"].pk,
            "target_year": "2028",
        },
    )
    assert VisionAction.objects.filter(vision__district__code="tadao").count() == 1
    assert Organization.objects.filter(vision_actions__isnull=False).count() == 1


def test_a_cached_meeting_pack_shows_a_new_action_at_once(
    client: Any, coordinator: Any, vision: Any, demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("future_sessions:meeting_pack", kwargs={"code": "minami"})
    client.force_login(coordinator)
    assert "公園の花壇を一緒に手入れする" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # pages go stale on commit
        action_create(
            vision=vision,
            by=coordinator,
            title="公園の花壇を一緒に手入れする",
            owner=demo.orgs["npo"],
            target_year=2028,
        )
    assert "公園の花壇を一緒に手入れする" in client.get(url).content.decode()
