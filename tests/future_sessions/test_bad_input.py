"""Issue 11, finding 10 (the sessions part): numbers and query parameters a person can type
answer a clear form error or the page itself, never a 500 — on PostgreSQL too, whose integer
columns are much narrower than SQLite's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sessions import conf
from sessions.models import FutureSession, SessionOutcome
from sessions.services import outcome_record
from tests.future_sessions.conftest import make_session
from tests.future_sessions.test_scheduling import _form

pytestmark = pytest.mark.django_db

HUGE = "99999999999"


def _past_session(coordinator: Any) -> Any:
    start = timezone.now() - timedelta(hours=3)
    return make_session(coordinator, starts_at=start, ends_at=start + timedelta(hours=2))


@pytest.mark.parametrize("count", [HUGE, str(conf.PARTICIPANT_COUNT_MAX + 1)])
def test_a_huge_participant_count_is_a_form_error_and_nothing_is_recorded(
    client: Any, coordinator: Any, count: str
) -> None:
    session = _past_session(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:outcome_edit", kwargs={"pk": session.pk}),
        {"summary": "よい話し合いでした", "participant_count": count},
    )
    assert response.status_code == 200
    assert "参加者数は100000人以下にしてください。" in response.content.decode()
    assert not SessionOutcome.objects.exists()


@pytest.mark.parametrize("count", ["²", "１２x", "1e3", "\x00"])
def test_a_participant_count_that_is_not_a_number_is_a_form_error(
    client: Any, coordinator: Any, count: str
) -> None:
    session = _past_session(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:outcome_edit", kwargs={"pk": session.pk}),
        {"summary": "まとめ", "participant_count": count},
    )
    assert response.status_code == 200
    assert not SessionOutcome.objects.exists()


def test_the_outcome_service_refuses_a_huge_participant_count(coordinator: Any) -> None:
    session = _past_session(coordinator)
    with pytest.raises(ValidationError):
        outcome_record(session=session, by=coordinator, summary="s", participant_count=10**11)
    assert not SessionOutcome.objects.exists()


def test_a_huge_capacity_is_a_form_error_and_nothing_is_saved(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("future_sessions:session_create"), _form(capacity=HUGE))
    assert response.status_code == 200
    assert "定員は10000人以下にしてください" in response.content.decode()
    assert not FutureSession.objects.exists()


def test_the_session_service_refuses_a_huge_capacity(coordinator: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(coordinator, capacity=10**11)
    assert "capacity" in caught.value.message_dict
    assert not FutureSession.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "page=²",
        "page=" + HUGE,
        "page=-1",
        "year=²",
        "month=²",
        "month=" + HUGE,
        "year=" + HUGE,
        "year=99999999999999999999&month=1",
        "year=2026&month=0",
        "year=-2026&month=13",
        "kind=²&district=²",
    ],
)
@pytest.mark.parametrize("view", ["calendar", "calendar_month", "my_registrations"])
def test_calendar_query_parameters_never_answer_a_500(
    client: Any, resident: Any, future_session: Any, view: str, query: str
) -> None:
    url = reverse(f"future_sessions:{view}") + "?" + query
    if view == "my_registrations":
        client.force_login(resident)
    response = client.get(url)
    assert response.status_code == 200, url
