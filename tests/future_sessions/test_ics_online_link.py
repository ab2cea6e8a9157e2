"""Issue 11, finding 5: every output follows the page. The session page shows the online
meeting link only to people registered and to those who run the session; the .ics files do the
same, and the district feeds (subscribed anonymously by calendar apps) never carry it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from icalendar import Calendar

from directory.models import District, Mode
from sessions.services import registration_create
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOM = "https://meet.example.jp/room-42"


@pytest.fixture
def online_session(coordinator: Any) -> Any:
    return SessionFactory(
        by=coordinator,
        mode=Mode.ONLINE,
        venue=None,
        online_url=ROOM,
        capacity=1,
        district=District.objects.get(code="tsurukawa"),
    )


def _ics(client: Any, session: Any, user: Any | None) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("future_sessions:session_ics", kwargs={"pk": session.pk}))
    assert response.status_code == 200
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    return f"{event.get('description', '')}\n{event.get('location', '')}"


def _feed(client: Any, user: Any | None) -> bytes:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(
        reverse("future_sessions:district_feed", kwargs={"code": "tsurukawa"})
    ).content


def test_anonymous_session_ics_has_no_online_link_and_says_where_to_get_it(
    client: Any, online_session: Any
) -> None:
    text = _ics(client, online_session, None)
    assert "meet.example.jp" not in text
    assert "オンライン参加のリンクは、申し込んだ方に表示されます。" in text
    # Twice, to be sure the cached copy is no different.
    assert "meet.example.jp" not in _ics(client, online_session, None)


def test_session_ics_carries_the_link_for_the_registered_and_those_who_run_it(
    client: Any, online_session: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=online_session, user=resident)
    assert ROOM in _ics(client, online_session, resident)
    assert ROOM in _ics(client, online_session, coordinator)
    # The page's rule: signed in but not registered, or only on the waiting list, is no link.
    assert "meet.example.jp" not in _ics(client, online_session, UserFactory())
    waiting = UserFactory()
    registration_create(session=online_session, user=waiting)
    assert "meet.example.jp" not in _ics(client, online_session, waiting)
    # Nor is it kept for anyone in the anonymous page cache.
    assert "meet.example.jp" not in _ics(client, online_session, None)


def test_session_ics_with_the_link_is_not_for_shared_caches(
    client: Any, online_session: Any, resident: Any
) -> None:
    registration_create(session=online_session, user=resident)
    client.force_login(resident)
    response = client.get(reverse("future_sessions:session_ics", kwargs={"pk": online_session.pk}))
    assert "private" in response["Cache-Control"]


def test_district_feed_never_carries_the_online_link(
    client: Any, online_session: Any, coordinator: Any, resident: Any
) -> None:
    registration_create(session=online_session, user=resident)
    for user in (None, resident, coordinator):
        body = _feed(client, user)
        assert online_session.title.encode() in body
        assert b"meet.example.jp" not in body
