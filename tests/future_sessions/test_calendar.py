from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from directory.models import District
from sessions.models import FutureSession
from sessions.services import registration_create
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _many(coordinator: Any, n: int, **kw: Any) -> list[Any]:
    return [SessionFactory(by=coordinator, title=f"セッション{i}", **kw) for i in range(n)]


def _queries(client: Any, url: str) -> int:
    # Warm up first: a signed-in user's roles and unread count are cached between requests.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_calendar_filters_by_district_and_kind(client: Any, coordinator: Any) -> None:
    tsurukawa = District.objects.get(code="tsurukawa")
    tadao = District.objects.get(code="tadao")
    SessionFactory(
        by=coordinator,
        title="鶴川の懇談会",
        district=tsurukawa,
        kind=FutureSession.Kind.DISTRICT_MEETING,
    )
    SessionFactory(by=coordinator, title="忠生のセッション", district=tadao)
    SessionFactory(by=coordinator, title="市全体のセッション")
    body = client.get(reverse("future_sessions:calendar") + "?district=tsurukawa").content.decode()
    assert (
        "鶴川の懇談会" in body and "市全体のセッション" in body and "忠生のセッション" not in body
    )
    body = client.get(
        reverse("future_sessions:calendar") + "?kind=district_meeting"
    ).content.decode()
    assert "鶴川の懇談会" in body and "忠生のセッション" not in body


def test_past_sessions_are_not_in_the_upcoming_list(client: Any, coordinator: Any) -> None:
    start = timezone.now() - timedelta(days=3)
    SessionFactory(
        by=coordinator, title="終わった回", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert "終わった回" not in client.get(reverse("future_sessions:calendar")).content.decode()


def test_month_view_shows_the_session_on_its_day(client: Any, coordinator: Any) -> None:
    s = SessionFactory(by=coordinator, title="月表示のセッション")
    local = timezone.localtime(s.starts_at)
    url = reverse("future_sessions:calendar_month") + f"?year={local.year}&month={local.month}"
    assert "月表示のセッション" in client.get(url).content.decode()
    assert client.get(reverse("future_sessions:calendar_month") + "?year=abc").status_code == 200


def test_calendar_query_count_does_not_grow_with_sessions(
    client: Any, coordinator: Any, resident: Any
) -> None:
    # Signed in, so the page is built every time (anonymous visitors may get it from the cache).
    client.force_login(resident)
    _many(coordinator, 1)
    one = _queries(client, reverse("future_sessions:calendar"))
    _many(coordinator, 15)
    many = _queries(client, reverse("future_sessions:calendar"))
    assert one == many
    local = timezone.localtime(timezone.now() + timedelta(days=10))
    month = reverse("future_sessions:calendar_month") + f"?year={local.year}&month={local.month}"
    assert _queries(client, month) == _queries(client, month)


def test_session_page_query_count_does_not_grow_with_registrations(
    client: Any, coordinator: Any, resident: Any
) -> None:
    session = SessionFactory(by=coordinator, capacity=100)
    client.force_login(resident)
    url = reverse("future_sessions:session_detail", kwargs={"pk": session.pk})
    registration_create(session=session, user=UserFactory())
    one = _queries(client, url)
    for _ in range(20):
        registration_create(session=session, user=UserFactory())
    assert _queries(client, url) == one


def test_session_ics_is_a_valid_calendar_event(client: Any, future_session: Any) -> None:
    response = client.get(reverse("future_sessions:session_ics", kwargs={"pk": future_session.pk}))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["summary"]) == future_session.title
    assert events[0].decoded("dtstart") == future_session.starts_at.replace(microsecond=0)
    assert "町田市民フォーラム" in str(events[0]["location"])


def test_district_feed_lists_district_and_city_wide_sessions(client: Any, coordinator: Any) -> None:
    tsurukawa = District.objects.get(code="tsurukawa")
    SessionFactory(by=coordinator, title="鶴川", district=tsurukawa)
    SessionFactory(by=coordinator, title="忠生", district=District.objects.get(code="tadao"))
    SessionFactory(by=coordinator, title="全域")
    cal = Calendar.from_ical(
        client.get(reverse("future_sessions:district_feed", kwargs={"code": "tsurukawa"})).content
    )
    titles = {str(e["summary"]) for e in cal.walk("VEVENT")}
    assert titles == {"鶴川", "全域"}
    assert (
        client.get(reverse("future_sessions:district_feed", kwargs={"code": "nowhere"})).status_code
        == 404
    )


def test_anonymous_calendar_is_cached_and_a_new_session_shows_at_once(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    SessionFactory(by=coordinator, title="最初のセッション")
    url = reverse("future_sessions:calendar")
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):  # pages go stale on commit
        SessionFactory(by=coordinator, title="あとから登録したセッション")
    assert "あとから登録したセッション" in client.get(url).content.decode()
