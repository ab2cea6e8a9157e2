"""What the projects app puts on the staff "today" page (``machida_portal/today.py``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from machida_portal.today import TodayCount, TodayLine, TodaySource

from . import selectors


def unanswered_line(user: Any) -> list[TodayLine]:
    n = selectors.unanswered_counts(user)
    url = reverse("projects:inbox")
    line = TodayLine(
        key="ideas",
        title=_("アイデア受付箱"),
        url=url,
        counts=[
            TodayCount(
                _("まだ返事をしていないアイデア"),
                n["unanswered"],
                f"{url}?unanswered=on",
                testid="today-ideas-unanswered",
            ),
            TodayCount(
                _("うち受付連絡の期限切れ"),
                n["overdue"],
                f"{url}?overdue=on",
                tone="danger",
                testid="today-ideas-overdue",
            ),
        ],
        empty=_("返事を待っているアイデアはありません。"),
        order=20,
    )
    return [line]


TODAY = [TodaySource("ideas", "ideas.coordinate", unanswered_line, order=20)]
