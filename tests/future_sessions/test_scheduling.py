from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Mode, Place
from reminders.models import Reminder
from sessions.models import FutureSession

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    start = timezone.localtime() + timedelta(days=7)
    data = {
        "kind": FutureSession.Kind.FUTURE_SESSION,
        "title": "子どもの居場所を考える",
        "question": "子どもが安心して過ごせるまちとは？",
        "description": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "mode": Mode.PHYSICAL,
        "venue": Place.objects.first().pk,  # type: ignore[union-attr]
        "online_url": "",
        "capacity": "30",
        "district": "",
        "audience": "関心のある方",
        "organizer_organization": "",
    }
    data.update(overrides)
    return data


def test_coordinator_schedules_a_session_and_the_organizer_reminder_is_set(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("future_sessions:session_create"), _form())
    assert response.status_code == 302
    session = FutureSession.objects.get()
    assert session.organizer == coordinator
    assert Reminder.objects.filter(
        idempotency_key=f"session:{session.pk}:organizer:outcome"
    ).exists()
    page = client.get(response["Location"])
    assert "子どもが安心して過ごせるまちとは？" in page.content.decode()


def test_end_before_start_is_refused_with_a_clear_message(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    start = timezone.localtime() + timedelta(days=7)
    response = client.post(
        reverse("future_sessions:session_create"),
        _form(ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 200
    assert "終了日時は開始日時より後にしてください。" in response.content.decode()
    assert not FutureSession.objects.exists()


def test_negative_capacity_is_refused_with_a_clear_message(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("future_sessions:session_create"), _form(capacity="-5"))
    assert response.status_code == 200
    assert "定員は0以上の数にしてください" in response.content.decode()
    assert not FutureSession.objects.exists()


def test_online_session_needs_a_link(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:session_create"), _form(mode=Mode.ONLINE, venue="")
    )
    assert "参加用のURL" in response.content.decode()
    assert not FutureSession.objects.exists()


def test_resident_cannot_schedule(client: Any, resident: Any) -> None:
    client.force_login(resident)
    assert client.post(reverse("future_sessions:session_create"), _form()).status_code == 403
    assert not FutureSession.objects.exists()


def test_resident_cannot_edit_someone_elses_session(
    client: Any, resident: Any, future_session: Any
) -> None:
    client.force_login(resident)
    url = reverse("future_sessions:session_edit", kwargs={"pk": future_session.pk})
    assert client.post(url, _form(title="乗っ取り")).status_code == 403
    future_session.refresh_from_db()
    assert future_session.title != "乗っ取り"


def test_public_session_page_shows_question_to_anonymous(client: Any, future_session: Any) -> None:
    response = client.get(
        reverse("future_sessions:session_detail", kwargs={"pk": future_session.pk})
    )
    assert response.status_code == 200
    assert future_session.question in response.content.decode()
    assert "ログインして申し込む" in response.content.decode()
