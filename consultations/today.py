"""What the consultations app puts on the staff "today" page (``machida_portal/today.py``).

Counts only, each through this app's policies: the agency's own sheets (``sheet_scope``), its
conference tasks (``conference_scope``), its outreach cases (``outreach_scope``), and for the
city the overdue board's totals. No person is shown, so nothing is written to the access log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from machida_portal.today import TodayCount, TodayLine, TodaySource, time_left

from . import policies, selectors


def _inbox(**params: str) -> str:
    return f"{reverse('consultations:inbox')}?{urlencode(params)}"


def agency_lines(user: Any) -> list[TodayLine]:
    """The agency's lines: its sheets (counted once for both), its conference tasks."""
    if policies.agency_of(user) is None:
        return []
    n = selectors.agency_sheet_counts(user)
    return [sheets_line(n), sent_sheets_line(n), conference_tasks_line(user)]


def sheets_line(n: dict[str, Any]) -> TodayLine:
    to_receive = TodayCount(
        _("受理を待っているシート"),
        n["to_receive"],
        _inbox(tab="incoming", status="sent"),
        note=time_left(n["next_deadline"]) if n["to_receive"] else "",
        tone="danger" if n["incoming_overdue"] else "",
        testid="today-to-receive",
    )
    return TodayLine(
        key="sheets",
        title=_("届いたつなぐシート"),
        url=_inbox(tab="incoming"),
        counts=[
            to_receive,
            TodayCount(
                _("受理の期限切れ"),
                n["incoming_overdue"],
                _inbox(tab="incoming", late="overdue"),
                tone="danger",
                testid="today-incoming-overdue",
            ),
            TodayCount(
                _("動きが止まっている"),
                n["incoming_stale"],
                _inbox(tab="incoming", late="stale"),
                tone="danger",
                testid="today-incoming-stale",
            ),
        ],
        empty=_("受理を待っているシートや、遅れているシートはありません。"),
        order=10,
    )


def sent_sheets_line(n: dict[str, Any]) -> TodayLine:
    return TodayLine(
        key="sent_sheets",
        title=_("送ったつなぐシート"),
        url=_inbox(tab="outgoing"),
        counts=[
            TodayCount(
                _("相手の受理が期限切れ"),
                n["outgoing_overdue"],
                _inbox(tab="outgoing", late="overdue"),
                tone="danger",
                testid="today-outgoing-overdue",
            ),
            TodayCount(
                _("動きが止まっている"),
                n["outgoing_stale"],
                _inbox(tab="outgoing", late="stale"),
                tone="danger",
                testid="today-outgoing-stale",
            ),
        ],
        empty=_("送ったシートに遅れはありません。"),
        order=11,
    )


def conference_tasks_line(user: Any) -> TodayLine:
    url = reverse("consultations:conference_list")
    return TodayLine(
        key="conference_tasks",
        title=_("多機関協働会議のタスク"),
        url=url,
        counts=[
            TodayCount(
                _("期限が今日までのタスク"),
                selectors.conference_tasks_due(user).count(),
                f"{url}?tasks=due",
                tone="danger",
                testid="today-conference-tasks",
            )
        ],
        empty=_("期限が来たタスクはありません。"),
        order=30,
    )


def outreach_lines(user: Any) -> list[TodayLine]:
    if policies.outreach_membership_of(user) is None:
        return []
    url = reverse("consultations:outreach_list")
    line = TodayLine(
        key="outreach",
        title=_("アウトリーチ"),
        url=url,
        counts=[
            TodayCount(
                _("連絡の日が来ているケース"),
                selectors.outreach_due(user).count(),
                f"{url}?due=1",
                testid="today-outreach-due",
            )
        ],
        empty=_("今日連絡するケースはありません。"),
        order=40,
    )
    return [line]


def oversight_lines(user: Any) -> list[TodayLine]:
    n = selectors.oversight_late_counts(user)
    url = reverse("consultations:overdue_board")
    line = TodayLine(
        key="overdue_board",
        title=_("期限切れのつなぎ（全機関）"),
        url=url,
        counts=[
            TodayCount(
                _("受理の期限切れ"),
                n["overdue"],
                url,
                tone="danger",
                testid="today-board-overdue",
            ),
            TodayCount(
                _("動きが止まっている"),
                n["stale"],
                url,
                tone="danger",
                testid="today-board-stale",
            ),
        ],
        empty=_("期限切れや止まっているつなぎはありません。"),
        order=50,
    )
    return [line]


TODAY = [
    TodaySource("agency", "cases.handle", agency_lines, order=10),
    TodaySource("outreach", "outreach.handle", outreach_lines, order=40),
    TodaySource("overdue_board", "cases.oversee", oversight_lines, order=50),
]
