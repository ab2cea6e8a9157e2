from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import PersonalDataView
from reminders.models import Reminder
from sessions.models import OrganizationConnection, Registration, SessionOutcome
from sessions.services import registration_create
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _past_session(coordinator: Any) -> Any:
    return SessionFactory(by=coordinator, starts_at=timezone.now() - timedelta(hours=3))


def test_checkin_marks_attended_and_no_show_and_adds_walk_ins(
    client: Any, future_session: Any, coordinator: Any
) -> None:
    a = registration_create(session=future_session, user=UserFactory(full_name="青木 太郎"))
    b = registration_create(session=future_session, user=UserFactory(full_name="石井 次郎"))
    client.force_login(coordinator)
    page = client.get(reverse("future_sessions:checkin", kwargs={"pk": future_session.pk}))
    assert "青木 太郎" in page.content.decode()
    # Seeing real names is logged.
    assert (
        PersonalDataView.objects.filter(
            viewer=coordinator, context="future_session_checkin"
        ).count()
        == 2
    )
    for reg, value in ((a, "attended"), (b, "no_show")):
        client.post(
            reverse(
                "future_sessions:checkin_mark",
                kwargs={"pk": future_session.pk, "registration_pk": reg.pk},
            ),
            {"attendance": value},
        )
    client.post(
        reverse("future_sessions:walk_in", kwargs={"pk": future_session.pk}), {"name": "当日 花子"}
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.attendance == "attended"
    assert b.attendance == "no_show"
    walk = Registration.objects.get(is_walk_in=True)
    assert walk.walk_in_name == "当日 花子" and walk.attendance == "attended"


def test_checkin_rejects_a_bad_attendance_value(
    client: Any, future_session: Any, coordinator: Any
) -> None:
    reg = registration_create(session=future_session, user=UserFactory())
    client.force_login(coordinator)
    client.post(
        reverse(
            "future_sessions:checkin_mark",
            kwargs={"pk": future_session.pk, "registration_pk": reg.pk},
        ),
        {"attendance": "maybe"},
    )
    reg.refresh_from_db()
    assert reg.attendance == "unknown"


def _jpeg() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def test_outcome_is_recorded_and_public_on_the_session_page(
    client: Any, coordinator: Any, demo: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    session = _past_session(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:outcome_edit", kwargs={"pk": session.pk}),
        {
            "summary": "子ども食堂と運送会社が、食材の配送で協力することになりました。",
            "participant_count": "23",
            "photo": _jpeg(),
            "connection_first": demo.orgs["npo"].pk,
            "connection_second": demo.orgs["company"].pk,
        },
    )
    assert response.status_code == 302
    outcome = SessionOutcome.objects.get()
    assert outcome.participant_count == 23
    assert OrganizationConnection.objects.count() == 1
    assert session.photos.count() == 1
    assert Reminder.objects.get(kind="future_session.outcome").status == "cancelled"
    client.logout()
    page = client.get(
        reverse("future_sessions:session_detail", kwargs={"pk": session.pk})
    ).content.decode()
    assert "食材の配送" in page
    assert "まちだ運送株式会社" in page


def test_outcome_refuses_negative_participants_and_same_organization_twice(
    client: Any, coordinator: Any, demo: Any
) -> None:
    session = _past_session(coordinator)
    client.force_login(coordinator)
    url = reverse("future_sessions:outcome_edit", kwargs={"pk": session.pk})
    bad = client.post(url, {"summary": "x", "participant_count": "-1"})
    assert "参加者数は0以上" in bad.content.decode()
    same = client.post(
        url,
        {
            "summary": "x",
            "participant_count": "3",
            "connection_first": demo.orgs["npo"].pk,
            "connection_second": demo.orgs["npo"].pk,
        },
    )
    assert "ちがう2つの団体" in same.content.decode()
    assert not SessionOutcome.objects.exists()


def test_outcome_cannot_be_recorded_before_the_session(
    client: Any, future_session: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:outcome_edit", kwargs={"pk": future_session.pk}),
        {"summary": "まだ", "participant_count": "1"},
    )
    assert "始まってから" in response.content.decode()
    assert not SessionOutcome.objects.exists()


def test_organizer_who_is_not_a_coordinator_manages_their_own_session(
    client: Any, demo: Any
) -> None:
    member = demo.users["member@example.jp"]
    session = SessionFactory(by=member)
    client.force_login(member)
    assert (
        client.get(reverse("future_sessions:checkin", kwargs={"pk": session.pk})).status_code == 200
    )
    other = SessionFactory(by=demo.users["coordinator@example.jp"])
    assert (
        client.get(reverse("future_sessions:checkin", kwargs={"pk": other.pk})).status_code == 403
    )
