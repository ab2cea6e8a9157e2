"""Issue 11, finding 3: a session's dates stay in a range the database, the time-zone maths and
the reminders can take. A date outside it is refused with a clear message and nothing is saved:
no session, no reminder (one row starting in year 1 used to stop every reminder)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from directory.fiscal import TOKYO
from directory.models import Mode, Place
from reminders.models import Reminder
from sessions import conf
from sessions.models import FutureSession
from sessions.services import session_update
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [
    pytest.param("0001-01-01T00:00", "0001-01-01T02:00", id="year-1"),
    pytest.param("9999-12-31T22:00", "9999-12-31T23:59", id="year-9999"),
    pytest.param("1999-12-31T10:00", "1999-12-31T12:00", id="last-century"),
]


def _form(starts: str, ends: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": FutureSession.Kind.FUTURE_SESSION,
        "title": "日付を確かめる会",
        "question": "いつ開きますか？",
        "description": "",
        "starts_at": starts,
        "ends_at": ends,
        "mode": Mode.PHYSICAL,
        "venue": Place.objects.first().pk,  # type: ignore[union-attr]
        "online_url": "",
        "capacity": "30",
        "district": "",
        "audience": "",
        "organizer_organization": "",
    }
    data.update(overrides)
    return data


def _local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("starts", "ends"), OUT_OF_RANGE)
def test_session_form_refuses_a_date_out_of_range_and_saves_nothing(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any, starts: str, ends: str
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("future_sessions:session_create"), _form(starts, ends))
    assert response.status_code == 200
    assert "開始日時は" in response.content.decode()
    assert not FutureSession.objects.exists()
    assert not Reminder.objects.exists()


def test_session_form_refuses_a_start_too_far_ahead(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    start = timezone.now() + timedelta(days=366 * conf.SESSION_YEARS_AHEAD + 2)
    response = client.post(
        reverse("future_sessions:session_create"),
        _form(_local(start), _local(start + timedelta(hours=2))),
    )
    assert response.status_code == 200
    assert "開始日時は" in response.content.decode()
    assert not FutureSession.objects.exists()


def test_session_form_refuses_a_session_longer_than_the_limit(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    start = timezone.now() + timedelta(days=7)
    response = client.post(
        reverse("future_sessions:session_create"),
        # A typo in the end year: the session would stay "upcoming" for decades.
        _form(_local(start), _local(start.replace(year=start.year + 30))),
    )
    assert response.status_code == 200
    assert "終了日時は開始日時から" in response.content.decode()
    assert not FutureSession.objects.exists()


def test_year_one_session_on_postgresql_is_refused_before_the_database_sees_it(
    postgres: None, client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The probe's reproduction: the session and its reminder were saved, the page answered
    # 500, and the row's due time (year 1 BC in UTC) made every later run of the sender fail.
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("future_sessions:session_create"),
            _form("0001-01-01T00:00", "0001-01-01T02:00"),
        )
    assert response.status_code == 200
    assert not FutureSession.objects.exists()
    assert not Reminder.objects.exists()


@pytest.mark.parametrize(("starts", "ends"), OUT_OF_RANGE)
def test_editing_a_session_out_of_range_is_refused_and_the_old_dates_stay(
    client: Any, coordinator: Any, future_session: Any, starts: str, ends: str
) -> None:
    client.force_login(coordinator)
    before = (future_session.starts_at, future_session.ends_at)
    response = client.post(
        reverse("future_sessions:session_edit", kwargs={"pk": future_session.pk}),
        _form(starts, ends),
    )
    assert response.status_code == 200
    assert "開始日時は" in response.content.decode()
    future_session.refresh_from_db()
    assert (future_session.starts_at, future_session.ends_at) == before
    assert not Reminder.objects.filter(due_at__year__lt=2000).exists()


def test_session_create_service_refuses_out_of_range_dates(coordinator: Any) -> None:
    start = datetime(1, 1, 1, tzinfo=TOKYO)
    with pytest.raises(ValidationError) as caught:
        SessionFactory(by=coordinator, starts_at=start)
    assert "starts_at" in caught.value.message_dict
    assert not FutureSession.objects.exists()
    assert not Reminder.objects.exists()


def test_session_update_service_refuses_a_move_far_ahead(
    coordinator: Any, future_session: Any
) -> None:
    start = timezone.now() + timedelta(days=366 * conf.SESSION_YEARS_AHEAD + 2)
    with pytest.raises(ValidationError):
        session_update(
            session=future_session,
            by=coordinator,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
    future_session.refresh_from_db()
    assert future_session.starts_at < timezone.now() + timedelta(days=30)


def test_editing_an_old_session_keeps_working_when_its_dates_do_not_change(
    coordinator: Any,
) -> None:
    # The window around today is for dates being entered; a session held two years ago (still
    # inside the absolute range) can have its description corrected.
    start = timezone.now() - timedelta(days=30)
    session = SessionFactory(by=coordinator, starts_at=start)
    old = timezone.now() - timedelta(days=800)
    FutureSession.objects.filter(pk=session.pk).update(
        starts_at=old, ends_at=old + timedelta(hours=2)
    )
    session.refresh_from_db()
    updated = session_update(session=session, by=coordinator, description="記録を直しました")
    assert updated.description == "記録を直しました"


def test_model_clean_refuses_dates_outside_the_absolute_range(coordinator: Any) -> None:
    start = datetime(2100, 6, 1, 10, tzinfo=TOKYO)
    session = FutureSession(
        title="遠い未来",
        question="？",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode=Mode.ONLINE,
        online_url="https://meet.example.jp/x",
        organizer=coordinator,
    )
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert "starts_at" in caught.value.message_dict


def test_the_edit_form_sends_back_an_old_sessions_dates_without_the_window_complaining(
    client: Any, coordinator: Any
) -> None:
    start = timezone.now() - timedelta(days=30)
    session = SessionFactory(by=coordinator, starts_at=start)
    # Held long ago, stored with seconds: the form's fields round them to the minute.
    old = timezone.now() - timedelta(days=800, seconds=17)
    FutureSession.objects.filter(pk=session.pk).update(
        starts_at=old, ends_at=old + timedelta(hours=2)
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:session_edit", kwargs={"pk": session.pk}),
        _form(_local(old), _local(old + timedelta(hours=2)), title="記録を直した会"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "記録を直した会"
