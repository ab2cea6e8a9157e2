"""The "today" page's query count does not grow with the data (N rows, then 3N) and stays
small: one query per line at most, plus the request's own (session, user, roles)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from machida_portal.today import TodayCount, TodayLine, time_left
from tests.today.test_today_links import ROLES, _work

pytestmark = pytest.mark.django_db


def _queries(client: Any) -> tuple[int, list[TodayLine]]:
    client.get(reverse("home"))  # warm up: roles and the unread count are cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
        assert response.status_code == 200
    return len(ctx.captured_queries), response.context["lines"]


def test_query_count_is_flat_in_the_data_for_every_staff_role(
    users: dict[str, Any], client: Any
) -> None:
    _work(users)
    first: dict[str, tuple[int, int]] = {}
    for role in ROLES:
        client.force_login(users[role])
        n, lines = _queries(client)
        first[role] = (n, sum(line.total for line in lines))
    _work(users)
    _work(users)
    for role in ROLES:
        client.force_login(users[role])
        n, lines = _queries(client)
        assert n == first[role][0], role
        assert sum(line.total for line in lines) > first[role][1], role  # the data did grow


def test_each_line_costs_one_query_at_most(users: dict[str, Any], client: Any) -> None:
    from machida_portal.today import today_lines

    _work(users)
    for role in ROLES:
        user = users[role]
        today_lines(user)  # the memberships are read once per request and kept on the user
        with CaptureQueriesContext(connection) as ctx:
            lines = today_lines(user)
        assert len(ctx.captured_queries) <= len(lines), (role, len(lines))


def test_the_page_is_in_english_too(users: dict[str, Any], client: Any) -> None:
    _work(users)
    client.force_login(users["staff_disability"])
    client.cookies["django_language"] = "en"
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Today" in body and "Tsunagu sheets received" in body
    assert "Sheets waiting for receipt" in body
    assert "受理を待っているシート" not in body


def test_nothing_to_do_says_so(users: dict[str, Any], client: Any) -> None:
    # The third agency is party to nothing: every count is zero.
    client.force_login(users["staff_other"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="today-empty"' in body
    assert "今日の仕事はありません。" in body
    assert body.count('data-testid="today-line-empty"') == 3


@pytest.mark.parametrize(
    ("seconds", "ja", "en"),
    [
        (-1, "期限切れ", "overdue"),
        (30, "あと1分", "1 minute left"),
        (59 * 60, "あと59分", "59 minutes left"),
        (3 * 3600 + 600, "あと3時間", "3 hours left"),
        (23 * 3600 + 3599, "あと23時間", "23 hours left"),
        (2 * 86400 + 60, "あと2日", "2 days left"),
    ],
)
def test_time_left_is_said_as_staff_say_it(seconds: int, ja: str, en: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    with translation.override("ja"):
        assert time_left(now + timedelta(seconds=seconds), now=now) == ja
    with translation.override("en"):
        assert time_left(now + timedelta(seconds=seconds), now=now) == en
    assert time_left(None) == ""


def test_a_line_totals_its_counts() -> None:
    line = TodayLine("x", "x", [TodayCount("a", 2, "/a"), TodayCount("b", 3, "/b")], "none")
    assert line.total == 5
