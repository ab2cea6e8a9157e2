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
from sessions.services import outcome_record, registration_create
from tests.factories import SessionFactory
from tests.future_sessions.test_scheduling import _form

pytestmark = pytest.mark.django_db

HUGE = "99999999999"


def _past_session(coordinator: Any) -> Any:
    return SessionFactory(by=coordinator, starts_at=timezone.now() - timedelta(hours=3))


@pytest.mark.parametrize("count", [HUGE, str(2**63), str(conf.PARTICIPANT_COUNT_MAX + 1)])
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
        SessionFactory(by=coordinator, capacity=10**11)
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


BAD_VALUES = ["\x00", "a\x00b", "²", "１２", HUGE, "-" + HUGE, "9" * 30, "0001-01-01T00:00"]


def _broken_jpeg() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), "orange").save(out, format="JPEG")
    return SimpleUploadedFile("broken.jpg", out.getvalue()[:700], content_type="image/jpeg")


def _session_forms(coordinator: Any, resident: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every form of the sessions app with valid data: (URL, fields)."""
    from directory.models import District, Organization
    from sessions.models import DistrictVision, Registration, VisionAction
    from sessions.services import invitation_create, invitation_url

    session = SessionFactory(by=coordinator)
    past = _past_session(coordinator)
    registration = registration_create(session=session, user=resident)
    district = District.objects.get(code="tsurukawa")
    vision = DistrictVision.objects.filter(district=district).first() or (
        DistrictVision.objects.create(district=district, vision="支え合うまち")
    )
    org = Organization.objects.filter(is_active=True).first()
    assert org is not None
    action = VisionAction.objects.create(vision=vision, title="見守り", owner=org, target_year=2027)
    invitation = invitation_create(session=session, by=coordinator, user=resident)
    with_choices = _form(themes="", agenda_ideas="")
    return [
        (reverse("future_sessions:session_create"), with_choices),
        (reverse("future_sessions:session_edit", args=[session.pk]), with_choices),
        (
            reverse("future_sessions:outcome_edit", args=[past.pk]),
            {
                "summary": "まとめ",
                "participant_count": "12",
                "connection_first": "",
                "connection_second": "",
                "new_ideas": "",
            },
        ),
        (
            reverse("future_sessions:register", args=[session.pk]),
            {"seats": "1", "needs_other": ""},
        ),
        (reverse("future_sessions:invitations", args=[session.pk]), {"person_email": ""}),
        (reverse("future_sessions:walk_in", args=[session.pk]), {"name": "当日 花子"}),
        (
            reverse("future_sessions:checkin_mark", args=[session.pk, registration.pk]),
            {"attendance": Registration.Attendance.ATTENDED},
        ),
        (
            reverse("future_sessions:vision_edit", args=[district.code]),
            {"vision": "支え合うまち", "themes": ""},
        ),
        (
            reverse("future_sessions:action_create", args=[district.code]),
            {"title": "見守り", "kind": "can_do", "owner": str(org.pk), "target_year": "2027"},
        ),
        (
            reverse("future_sessions:action_update", args=[action.pk]),
            {"status": "in_progress", "note": "", "evidence": ""},
        ),
        (
            reverse("future_sessions:project_start", args=[past.pk]),
            {"title": "居場所づくり", "purpose": "みんなで"},
        ),
        (invitation_url(invitation), {"answer": "accept"}),
    ]


def test_nul_bytes_unicode_digits_and_huge_numbers_in_any_sessions_form_never_answer_a_500(
    client: Any, coordinator: Any, resident: Any
) -> None:
    forms = _session_forms(coordinator, resident)
    client.force_login(coordinator)
    for url, valid in forms:
        for field in valid:
            for value in BAD_VALUES:
                response = client.post(url, {**valid, field: value})
                assert response.status_code < 500, (url, field, value)


def test_a_broken_photo_on_the_outcome_form_is_a_form_error(client: Any, coordinator: Any) -> None:
    session = _past_session(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("future_sessions:outcome_edit", kwargs={"pk": session.pk}),
        {"summary": "まとめ", "participant_count": "3", "photo": _broken_jpeg()},
    )
    assert response.status_code == 200
    assert not SessionOutcome.objects.exists()
