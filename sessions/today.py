"""What the sessions app puts on the staff "today" page (``machida_portal/today.py``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from machida_portal.today import TodayCount, TodayLine, TodaySource

from . import selectors


def this_week_line(user: Any) -> list[TodayLine]:
    url = reverse("future_sessions:calendar")
    line = TodayLine(
        key="sessions",
        title=_("セッション・懇談会"),
        url=url,
        counts=[
            TodayCount(
                _("今日から7日間のセッション"),
                selectors.sessions_this_week(user).count(),
                f"{url}?week=1",
                testid="today-sessions-week",
            )
        ],
        empty=_("今日から7日間に予定されているセッションはありません。"),
        order=25,
    )
    return [line]


TODAY = [TodaySource("sessions", "sessions.manage", this_week_line, order=25)]
